// Bindings the web app reads through lib/platform.ts (see wrangler.toml). Vars and secrets
// arrive as strings next to them.
interface CloudflareEnv {
  /** The KV namespace holding the signing keys (shared with the Worker). */
  AUTH_KEYS?: KVNamespace;
  /** Service binding to the Worker (deployed); absent locally, where WORKER_API_URL is used. */
  API?: Fetcher;
}
