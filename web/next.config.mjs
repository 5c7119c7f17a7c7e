import { fileURLToPath } from 'node:url';
import { initOpenNextCloudflareForDev } from '@opennextjs/cloudflare';

// `next dev` gets the Cloudflare bindings of web/wrangler.toml (the AUTH_KEYS KV) and the
// secrets of web/.dev.vars through wrangler's platform proxy. It persists to the repository's
// .wrangler/state, the same local state `wrangler dev` gives the Worker, so the signing key
// the keys CLI puts there is the one this app signs with.
if (process.env.NODE_ENV === 'development') {
  await initOpenNextCloudflareForDev({ persist: { path: fileURLToPath(new URL('../.wrangler/state/v3', import.meta.url)) } });
}

/** @type {import('next').NextConfig} */
const nextConfig = {
  // The signer ships as TypeScript source inside the monorepo.
  transpilePackages: ['@chat/contract', '@chat/keys'],
  poweredByHeader: false,
};

export default nextConfig;
