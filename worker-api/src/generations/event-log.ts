import { frameText } from '../chat/sse';
import type { GenerationStatus } from '../db/schema';
import type { GenerationJob } from './job';

type StateRow = { job: string; status: GenerationStatus; ended_at: number | null };

/** A generation's state as its object keeps it. */
export type GenerationState = { job: GenerationJob; status: GenerationStatus; endedAt: number | null };

type EventRow = { seq: number; event: string; data: string };

/**
 * Events are written to storage at most this often, in one transaction, and the first
 * write (the tables, the job, the first events) only this long after the start. A write
 * holds every message the object sends until it is committed (the output gate): written at
 * the start, it held back the upstream request itself, and a commit per event (one per
 * network read) doubled the objects' work; at 100 streams under Miniflare the objects fell
 * seconds behind their upstreams, which the relay took for silence (upstream_timeout). The
 * end is always written at once. An object evicted mid-answer loses at most this much of
 * its answer, and one evicted within this long of its start leaves nothing behind: its
 * reservation and D1 row then expire (RESERVATION_TTL_MS).
 *
 * Each flush is one row holding every event since the last one, not a row per event (a
 * second of tokens was dozens of statements, now it is one). While the instance that wrote
 * them lives, resumes read the events from memory; storage is read only by an instance that
 * woke after an eviction, once, as it starts.
 */
export const FLUSH_MS = 1000;

/** A stored flush: its events as `[seq, event, data]` triples, keyed by the last seq it holds. */
type BatchRow = { events: string };
type StoredEvent = [seq: number, event: string, data: string];

/**
 * The numbered events of one generation, with its job and status, in its object's SQLite
 * storage: enough to replay the answer to anyone who resumes after any seq, and to end the
 * generation from what was stored if the object is evicted mid-answer. The state and every
 * event live in memory too; new ones reach storage at the next flush, and reads never wait for it.
 */
export class EventLog {
  private readonly sql: SqlStorage;
  private current: GenerationState | null = null;
  private stored = false;
  /** Every event, in seq order (seq n at index n - 1); those from `flushed` on are not yet in storage. */
  private rows: EventRow[] = [];
  private flushed = 0;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly storage: DurableObjectStorage,
    /** Runs after the first flush: the log exists in storage from then on. */
    private readonly onStored: () => void,
  ) {
    this.sql = storage.sql;
    // A read only: a fresh object writes nothing until its first flush.
    this.stored = this.sql.exec(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'generation'`).toArray().length > 0;
    if (!this.stored) return;
    const row = this.sql.exec<StateRow>('SELECT job, status, ended_at FROM generation').toArray()[0];
    this.current = row ? { job: JSON.parse(row.job) as GenerationJob, status: row.status, endedAt: row.ended_at } : null;
    for (const batch of this.sql.exec<BatchRow>('SELECT events FROM event_batches ORDER BY last_seq')) {
      for (const [seq, event, data] of JSON.parse(batch.events) as StoredEvent[]) this.rows.push({ seq, event, data });
    }
    this.flushed = this.rows.length;
  }

  /** The generation, or null before it began and after its log was forgotten. */
  state(): GenerationState | null {
    return this.current;
  }

  begin(job: GenerationJob): void {
    this.current = { job, status: 'running', endedAt: null };
    this.scheduleFlush();
  }

  /** Records the end, with every event still in memory, in one transaction. */
  end(status: Exclude<GenerationStatus, 'running'>, now: number): void {
    if (!this.current) return;
    this.current = { ...this.current, status, endedAt: now };
    this.flush();
  }

  /** Numbers the next event, queues it for storage and gives back its frame. */
  append(event: string, data: unknown): string {
    const row = { seq: this.rows.length + 1, event, data: JSON.stringify(data) };
    this.rows.push(row);
    this.scheduleFlush();
    return frameText(row.event, row.data, row.seq);
  }

  /** The frames of every event after `after`, in order, as one text. */
  framesAfter(after: number): string {
    let text = '';
    for (let i = Math.max(0, after); i < this.rows.length; i++) {
      const row = this.rows[i] as EventRow;
      text += frameText(row.event, row.data, row.seq);
    }
    return text;
  }

  /** The answer as far as it was logged. */
  answerText(): string {
    let text = '';
    for (const row of this.rows) if (row.event === 'delta') text += (JSON.parse(row.data) as { content: string }).content;
    return text;
  }

  /** Deletes the whole log (and the object's storage with it) once nobody may resume any more. */
  async forget(): Promise<void> {
    this.current = null;
    this.rows = [];
    this.flushed = 0;
    clearTimeout(this.flushTimer);
    await this.storage.deleteAll();
    this.stored = false;
  }

  private scheduleFlush(): void {
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const state = this.current;
    if (!state) return;
    const first = !this.stored;
    this.storage.transactionSync(() => {
      if (first) {
        this.sql.exec(`CREATE TABLE IF NOT EXISTS generation (id INTEGER PRIMARY KEY CHECK (id = 1), job TEXT NOT NULL, status TEXT NOT NULL, ended_at INTEGER)`);
        this.sql.exec(`CREATE TABLE IF NOT EXISTS event_batches (last_seq INTEGER PRIMARY KEY, events TEXT NOT NULL)`);
      }
      // The job (with its prompt) is written once; later flushes change at most how it ended.
      if (first) {
        this.sql.exec('INSERT INTO generation (id, job, status, ended_at) VALUES (1, ?, ?, ?)', JSON.stringify(state.job), state.status, state.endedAt);
      } else if (state.status !== 'running') {
        this.sql.exec('UPDATE generation SET status = ?, ended_at = ? WHERE id = 1', state.status, state.endedAt);
      }
      if (this.flushed < this.rows.length) {
        const batch = this.rows.slice(this.flushed).map((row): StoredEvent => [row.seq, row.event, row.data]);
        this.sql.exec('INSERT INTO event_batches (last_seq, events) VALUES (?, ?)', this.rows.length, JSON.stringify(batch));
      }
    });
    this.flushed = this.rows.length;
    this.stored = true;
    if (first) this.onStored();
  }
}
