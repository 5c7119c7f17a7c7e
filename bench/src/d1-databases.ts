import { D1_PLUGIN } from 'miniflare';
import { unstable_getMiniflareWorkerOptions } from 'wrangler';

/** A wrangler config's D1 bindings and the database id each names (wrangler hands them out loosely typed). */
export function d1DatabaseIds(config: string): Record<string, string> {
  const databases = unstable_getMiniflareWorkerOptions(config).workerOptions.d1Databases as Record<string, string | { id: string }> | undefined;
  return Object.fromEntries(Object.entries(databases ?? {}).map(([name, db]) => [name, typeof db === 'string' ? db : db.id]));
}

/** The id of the config's one D1 database: the bench's D1 host serves one. */
export function onlyD1Database(config: string): string {
  const ids = Object.values(d1DatabaseIds(config));
  if (ids.length !== 1 || !ids[0]) throw new Error(`the bench's D1 host serves one D1 database; ${config} binds ${ids.length}`);
  return ids[0];
}

/** Miniflare's service behind every remote D1 binding (its remote-proxy client worker). */
const D1_REMOTE_SERVICE = 'd1:db:remote';

type ServiceDesignator = { name?: string; props?: unknown };
type Binding = { wrapped?: { innerBindings?: { service?: ServiceDesignator }[] } };

/**
 * Makes this process's Miniflare send every remote D1 binding's requests straight to
 * `address` (host:port) as plain HTTP: workerd's D1 API module over an external service, the
 * shape of production's binding. Miniflare offers no option for it; its D1 plugin is wrapped.
 */
export function overD1Host(address: string): void {
  const plugin = D1_PLUGIN as unknown as {
    getBindings: (...args: unknown[]) => Promise<Binding[] | undefined> | Binding[] | undefined;
    getServices: (...args: unknown[]) => Promise<ServiceDesignator[] | undefined>;
  };
  const { getBindings, getServices } = plugin;
  plugin.getBindings = async (...args) => {
    const bindings = (await getBindings.apply(D1_PLUGIN, args)) ?? [];
    for (const inner of bindings.flatMap((b) => b.wrapped?.innerBindings ?? [])) {
      // The remote-proxy client's props (its target and binding name); an external service takes none.
      if (inner.service?.name === D1_REMOTE_SERVICE) inner.service = { name: D1_REMOTE_SERVICE };
    }
    return bindings;
  };
  plugin.getServices = async (...args) => {
    const services = (await getServices.apply(D1_PLUGIN, args)) ?? [];
    return services.map((s) => (s.name === D1_REMOTE_SERVICE ? { name: D1_REMOTE_SERVICE, external: { address, http: {} } } : s));
  };
}
