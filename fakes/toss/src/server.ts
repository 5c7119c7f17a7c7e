import { createServer } from 'node:http';
import { closeServer, listen, type FakeServerOptions } from '@chat/fake-server';
import { handleApi } from './api';
import { handleControl } from './controls';
import { internalError, TossError } from './errors';
import { sendError, sendJson } from './http';
import { FakeState } from './state';
import { handleWindow } from './window';

/** Silent without `log`. */
export type FakeTossOptions = FakeServerOptions & {
  /** When set, only this secret key is accepted; otherwise any `test_sk_…` key is. */
  secretKey?: string;
  /** Where webhooks go; can be changed at runtime with `POST /__fake/config`. */
  webhookUrl?: string;
};

export type FakeToss = { url: string; port: number; close(): Promise<void> };

/** Starts the fake Toss Payments API, payment window and test controls on one port. */
export async function startFakeToss(options: FakeTossOptions = {}): Promise<FakeToss> {
  const state = new FakeState(options.secretKey ?? null, options.webhookUrl ?? null);
  const log = options.log;

  const server = createServer((req, res) => {
    const started = Date.now();
    if (log) {
      res.on('finish', () => log(`${req.method} ${req.url} → ${res.statusCode} (${Date.now() - started} ms)`));
    }
    const url = new URL(req.url ?? '/', state.selfUrl);
    void (async () => {
      if (url.pathname === '/health' && req.method === 'GET') return sendJson(res, 200, { ok: true });
      if (url.pathname.startsWith('/v1/')) {
        state.countApiCall(req.method ?? 'GET', url.pathname);
        return handleApi(req, res, url, state);
      }
      if (url.pathname.startsWith('/__fake/')) {
        if (await handleControl(req, res, url, state)) return;
      } else if (await handleWindow(req, res, url, { payments: state.payments, billing: state.billing, selfUrl: state.selfUrl })) {
        return;
      }
      sendError(res, new TossError(404, 'NOT_FOUND', '요청한 경로를 찾을 수 없습니다.'));
    })().catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof TossError) return sendError(res, err);
      log?.(`! ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      sendError(res, internalError());
    });
  });

  const { url, port } = await listen(server, { port: options.port, host: options.host });
  state.selfUrl = url;

  return {
    url: state.selfUrl,
    port,
    close: async () => {
      // Let webhook retries end so nothing fires into a torn-down test.
      await state.webhooks.settled();
      await closeServer(server);
    },
  };
}
