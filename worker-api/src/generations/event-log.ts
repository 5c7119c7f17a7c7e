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
 */
export const FLUSH_MS = 1000;

/**
 * The numbered events of one generation, with its job and status, in its object's SQLite
 * storage: enough to replay the answer to anyone who resumes after any seq, and to end the
 * generation from what was stored if the object is evicted mid-answer. The state and the
 * newest events live in memory and reach storage at the next flush; reads see them at once.
 */
export class EventLog {
  private readonly sql: SqlStorage;
  private seq = 0;
  private current: GenerationState | null = null;
  private stored = false;
  private pending: EventRow[] = [];
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
    this.seq = this.sql.exec<{ seq: number | null }>('SELECT max(seq) AS seq FROM events').one().seq ?? 0;
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
    const row = { seq: ++this.seq, event, data: JSON.stringify(data) };
    this.pending.push(row);
    this.scheduleFlush();
    return frameText(row.event, row.data, row.seq);
  }

  /** The frames of every event after `after`, in order, as one text. */
  framesAfter(after: number): string {
    let text = '';
    for (const row of this.rowsAfter(after)) text += frameText(row.event, row.data, row.seq);
    return text;
  }

  /** The answer as far as it was logged. */
  answerText(): string {
    let text = '';
    for (const row of this.rowsAfter(0)) if (row.event === 'delta') text += (JSON.parse(row.data) as { content: string }).content;
    return text;
  }

  /** Deletes the whole log (and the object's storage with it) once nobody may resume any more. */
  async forget(): Promise<void> {
    this.current = null;
    this.pending = [];
    clearTimeout(this.flushTimer);
    await this.storage.deleteAll();
    this.stored = false;
  }

  private rowsAfter(after: number): EventRow[] {
    const stored = this.stored ? this.sql.exec<EventRow>('SELECT seq, event, data FROM events WHERE seq > ? ORDER BY seq', after).toArray() : [];
    return [...stored, ...this.pending.filter((row) => row.seq > after)];
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
        this.sql.exec(`CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, event TEXT NOT NULL, data TEXT NOT NULL)`);
      }
      this.sql.exec(
        `INSERT INTO generation (id, job, status, ended_at) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET status = excluded.status, ended_at = excluded.ended_at`,
        JSON.stringify(state.job),
        state.status,
        state.endedAt,
      );
      for (const row of this.pending) this.sql.exec('INSERT INTO events (seq, event, data) VALUES (?, ?, ?)', row.seq, row.event, row.data);
    });
    this.pending = [];
    this.stored = true;
    if (first) this.onStored();
  }
}
