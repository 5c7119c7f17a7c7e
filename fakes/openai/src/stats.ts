/**
 * `pending` until the answer ends; `completed` ran to its end, `aborted` means the client
 * went away first, `failed` is a failure the knobs asked for (fail_after, garbage),
 * `rejected` an error status from the `status` knob, `shutdown` cut by `close()`.
 */
export type Outcome = 'pending' | 'completed' | 'aborted' | 'failed' | 'rejected' | 'shutdown';

/** One chat completion request, as `/__fake/stats` lists it. */
export type RequestRecord = {
  id: string;
  model: string;
  messages: number;
  /** The messages as sent, so a test can see what a prompt held (its system message, its history). */
  prompt: { role: string; content: string }[];
  max_tokens: number | null;
  stream: boolean;
  /** The HTTP status answered (200 for streams, even ones that fail midway). */
  status: number;
  tokensSent: number;
  aborted: boolean;
  outcome: Outcome;
};

export type FakeStats = {
  /** Chat completion requests that passed auth and validation. */
  requests: number;
  streamsStarted: number;
  streamsCompleted: number;
  streamsAborted: number;
  /** Streams that failed on purpose (fail_after, garbage). */
  streamsFailed: number;
  /** Requests whose connection was cut unanswered because the fake was `down` (not in `requests`). */
  dropped: number;
  /** The latest requests, oldest first. */
  lastRequests: RequestRecord[];
};

/** Long dev sessions should not grow without bound; tests look at the last few. */
const KEEP_RECORDS = 100;

function empty(): FakeStats {
  return { requests: 0, streamsStarted: 0, streamsCompleted: 0, streamsAborted: 0, streamsFailed: 0, dropped: 0, lastRequests: [] };
}

/** Counts requests and how their streams ended, for tests that can only see the fake from outside. */
export class StatsBook {
  private stats = empty();
  private seq = 0;

  begin(request: Pick<RequestRecord, 'model' | 'messages' | 'prompt' | 'max_tokens' | 'stream'>): RequestRecord {
    const record: RequestRecord = { id: `req_${++this.seq}`, ...request, status: 200, tokensSent: 0, aborted: false, outcome: 'pending' };
    this.stats.requests++;
    this.stats.lastRequests.push(record);
    if (this.stats.lastRequests.length > KEEP_RECORDS) this.stats.lastRequests.shift();
    return record;
  }

  dropped(): void {
    this.stats.dropped++;
  }

  streamStarted(): void {
    this.stats.streamsStarted++;
  }

  /** Marks how a request ended; the first call wins, so a late socket close cannot relabel a finished request. */
  end(record: RequestRecord, outcome: Exclude<Outcome, 'pending'>): boolean {
    if (record.outcome !== 'pending') return false;
    record.outcome = outcome;
    record.aborted = outcome === 'aborted';
    if (record.stream && outcome === 'completed') this.stats.streamsCompleted++;
    if (record.stream && outcome === 'aborted') this.stats.streamsAborted++;
    if (record.stream && outcome === 'failed') this.stats.streamsFailed++;
    return true;
  }

  snapshot(): FakeStats {
    return structuredClone(this.stats);
  }

  reset(): void {
    this.stats = empty();
  }
}
