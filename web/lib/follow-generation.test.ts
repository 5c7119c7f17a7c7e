import { describe, expect, it } from 'vitest';
import { ApiError } from './errors';
import { startPosition } from './stream-position';
import { followGeneration, reconnectDelay } from './follow-generation';

const META = 'id: 1\nevent: meta\ndata: {"generationId":"gen_1","conversationId":"c1","messageId":"m1","model":"gpt-4o-mini","traceId":"trace-1"}\n\n';
const delta = (seq: number, content: string) => `id: ${seq}\nevent: delta\ndata: ${JSON.stringify({ content })}\n\n`;
const done = (seq: number) => `id: ${seq}\nevent: done\ndata: {"finishReason":"stop"}\n\n`;

/** A generation's whole event log: meta, ten words, done. */
const LOG = [META, ...Array.from({ length: 10 }, (_, i) => delta(i + 2, `w${i} `)), done(12)];
const WHOLE = Array.from({ length: 10 }, (_, i) => `w${i} `).join('');

/** The events after `after`, as the Worker's resume answers them; `cut` ends the connection after that many. */
function eventStream(after: number, cut = Infinity): Response {
  const frames = LOG.slice(after).slice(0, cut);
  const bytes = new TextEncoder().encode(frames.join(''));
  return new Response(
    new ReadableStream({
      start(controller) {
        // Split mid-frame as a network would.
        for (let i = 0; i < bytes.length; i += 13) controller.enqueue(bytes.slice(i, i + 13));
        controller.close();
      },
    }),
    { headers: { 'Content-Type': 'text/event-stream' } },
  );
}

function shown() {
  const state = { text: '' };
  return { state, handlers: { onMeta: () => (state.text = ''), onDelta: (t: string) => (state.text += t) } };
}

describe('followGeneration', () => {
  it('re-attaches after the last seq seen when a connection ends early, with nothing repeated or missing', async () => {
    const { state, handlers } = shown();
    const resumes: number[] = [];
    const waits: number[] = [];
    const end = await followGeneration({
      open: async () => eventStream(0, 4),
      resume: async (id, after) => {
        expect(id).toBe('gen_1');
        resumes.push(after);
        return eventStream(after, resumes.length === 1 ? 3 : Infinity);
      },
      handlers,
      wait: async (attempt) => void waits.push(attempt),
    });
    expect(end.finishReason).toBe('stop');
    expect(state.text).toBe(WHOLE);
    expect(resumes).toEqual([4, 7]);
    // Each resume brought new events, so the attempt count started again each time.
    expect(waits).toEqual([1, 1]);
  });

  it('attaches to a running generation from seq 0 and retries a resume that could not connect', async () => {
    const { state, handlers } = shown();
    const position = startPosition('gen_1');
    let calls = 0;
    const waits: number[] = [];
    await followGeneration({
      open: async () => {
        throw new ApiError(0, 'network', 'Failed to fetch', '');
      },
      resume: async (_id, after) => {
        calls += 1;
        if (calls < 3) throw new ApiError(502, 'upstream_error', 'The API is unreachable', 't');
        return eventStream(after);
      },
      handlers,
      position,
      wait: async (attempt) => void waits.push(attempt),
    });
    expect(state.text).toBe(WHOLE);
    expect(waits).toEqual([1, 2, 3]);
  });

  it('gives up after the set number of attempts without progress', async () => {
    let resumes = 0;
    const failure = followGeneration({
      open: async () => eventStream(0, 3),
      resume: async () => {
        resumes += 1;
        throw new ApiError(0, 'network', 'offline', '');
      },
      handlers: shown().handlers,
      wait: async () => {},
      attempts: 3,
    });
    await expect(failure).rejects.toMatchObject({ code: 'network' });
    expect(resumes).toBe(3);
  });

  it('does not resend a new answer whose connection failed before meta', async () => {
    let resumed = false;
    const failure = followGeneration({
      open: async () => new Response(''),
      resume: async () => {
        resumed = true;
        return eventStream(0);
      },
      handlers: shown().handlers,
      wait: async () => {},
    });
    await expect(failure).rejects.toMatchObject({ code: 'network' });
    expect(resumed).toBe(false);
  });

  it('ends on an error event and on a refusal without retrying', async () => {
    const errorEvent = new Response(`${META}id: 2\nevent: error\ndata: {"code":"upstream_timeout","message":"slow"}\n\n`);
    await expect(followGeneration({ open: async () => errorEvent, resume: async () => eventStream(0), handlers: shown().handlers, wait: async () => {} })).rejects.toMatchObject({ code: 'upstream_timeout' });
    const gone = new ApiError(404, 'not_found', 'No such generation', 't');
    await expect(
      followGeneration({
        open: async () => {
          throw gone;
        },
        resume: async () => eventStream(0),
        handlers: shown().handlers,
        position: startPosition('gen_other'),
        wait: async () => {},
      }),
    ).rejects.toBe(gone);
  });

  it('stops waiting when aborted', async () => {
    const controller = new AbortController();
    const failure = followGeneration({
      open: async () => eventStream(0, 2),
      resume: async () => eventStream(2),
      handlers: shown().handlers,
      wait: async () => {
        controller.abort();
        throw controller.signal.reason;
      },
    });
    await expect(failure).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('reconnectDelay', () => {
  it('doubles from 250 ms up to 10 s, within ±20%', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => reconnectDelay(n, () => 0.5))).toEqual([250, 500, 1000, 2000, 4000, 8000, 10000, 10000]);
    expect(reconnectDelay(1, () => 0)).toBe(200);
    expect(reconnectDelay(8, () => 1)).toBe(12000);
  });
});
