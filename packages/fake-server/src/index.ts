import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What every fake is started with. */
export type FakeServerOptions = {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1: a fake is never meant to be reachable from elsewhere. */
  host?: string;
  /** One line per call. */
  log?: (line: string) => void;
};

/** Where a fake listens, as its `url` (no path) and `port`. */
export type Listening = { url: string; port: number };

/**
 * Binds `server` (loopback unless `host` says otherwise; port 0 picks a free one) and
 * resolves once it listens, or rejects with the bind error (e.g. EADDRINUSE).
 */
export async function listen(server: Server, options: FakeServerOptions): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  return { url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`, port };
}

/** Stops listening and cuts kept-alive connections, which browsers and SDKs hold open; without that, close would wait for them to idle out. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}

/** A port from the environment, `fallback` when unset; anything else ends the process with exit code 2. */
export function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`${name} must be a port number, got "${raw}"`);
    process.exit(2);
  }
  return port;
}

/**
 * The command-line life of a fake: start it, say where it listens, close it on SIGINT or
 * SIGTERM (a second signal while closing means "now").
 */
export async function runFake(what: string, start: () => Promise<{ url: string; close(): Promise<void> }>, banner = (url: string) => url): Promise<void> {
  let fake: { url: string; close(): Promise<void> };
  try {
    fake = await start();
  } catch (err) {
    console.error(`${what} could not start: ${String(err)}`);
    return process.exit(1);
  }
  console.log(`${what} listening on ${banner(fake.url)}`);
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`${signal}: closing`);
    fake.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`close failed: ${String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
