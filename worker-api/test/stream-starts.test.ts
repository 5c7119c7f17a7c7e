import { describe, expect, it } from 'vitest';
import { STREAM_STARTS_WINDOW_MS, StreamStarts } from '../src/policy/stream-starts';

describe('the stream-start burst', () => {
  it('counts starts within the last minute and says when the oldest leaves it', () => {
    const starts = new StreamStarts(3);
    const t0 = 1_000_000;
    expect([starts.take(t0), starts.take(t0 + 1_000), starts.take(t0 + 2_000)]).toEqual([null, null, null]);
    expect(starts.take(t0 + 2_500)).toEqual({ retryAfterS: 58 });
    // A refused start is not counted: the window has room as soon as the first start leaves it.
    expect(starts.take(t0 + STREAM_STARTS_WINDOW_MS - 1)).toEqual({ retryAfterS: 1 });
    expect(starts.take(t0 + STREAM_STARTS_WINDOW_MS)).toBeNull();
    expect(starts.take(t0 + STREAM_STARTS_WINDOW_MS + 1)).toEqual({ retryAfterS: 1 });
    expect(starts.take(t0 + 3 * STREAM_STARTS_WINDOW_MS)).toBeNull();
  });
});
