import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalidUrl } from './errors';
import { readJson, sendJson } from './http';
import { knobsFromConfig, type KnobSettings } from './knobs';
import type { StatsBook } from './stats';

/**
 * `/__fake/*`: knobs and inspection for tests and developers. No auth: it only listens on
 * loopback, and tests that go through the Worker have no OpenAI key to send.
 *
 * - `GET /__fake/stats`: counters and the latest requests.
 * - `GET /__fake/config`: the defaults requests start from now.
 * - `POST /__fake/config`: a partial `Knobs` object (`null` drops a value), answers the new defaults.
 * - `POST /__fake/reset`: back to the server's defaults, stats emptied.
 */
export async function serveControl(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  deps: { settings: KnobSettings; stats: StatsBook; log: (line: string) => void },
): Promise<void> {
  const route = `${req.method ?? 'GET'} ${path}`;
  switch (route) {
    case 'GET /__fake/stats':
      return sendJson(res, 200, deps.stats.snapshot());
    case 'GET /__fake/config':
      return sendJson(res, 200, deps.settings.defaults());
    case 'POST /__fake/config': {
      deps.settings.configure(knobsFromConfig(await readJson(req)));
      const defaults = deps.settings.defaults();
      deps.log(`config ${JSON.stringify(defaults)}`);
      return sendJson(res, 200, defaults);
    }
    case 'POST /__fake/reset':
      deps.settings.reset();
      deps.stats.reset();
      deps.log('reset');
      return sendJson(res, 200, deps.settings.defaults());
    default:
      throw invalidUrl(req.method ?? 'GET', path);
  }
}
