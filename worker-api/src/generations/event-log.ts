import { frameText } from '../chat/sse';
import type { GenerationStatus } from '../db/schema';
import type { GenerationJob } from './job';

type StateRow = { job: string; status: GenerationStatus; ended_at: number | null };

/** A generation's state as its object keeps it. */
export type GenerationState = { job: GenerationJob; status: GenerationStatus; endedAt: number | null };

type EventRow = { seq: number; event: string; data: string };

/**
 * Events are written to storage at most this often, in one transaction: a commit per
 * event (one per network read of the answer) doubled the object's work under load. An
 * object evicted mid-answer loses at most this much of it from the log it is ended with.
 */
const FLUSH_MS = 100;

/**
 * The numbered events of one generation, with its job and status, in its object's SQLite
 * storage: enough to replay the answer to anyone who resumes after any seq, and to end the
 * generation from what was stored if the object is evicted mid-answer. The newest events
 * wait in memory for the next flush; reads see them as if stored.
 */
export class EventLog {
  private readonly sql: SqlStorage;
  private seq = 0;
  private forgotten = false;
  private pending: EventRow[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly storage: DurableObjectStorage) {
    this.sql = storage.sql;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS generation (id INTEGER PRIMARY KEY CHECK (id = 1), job TEXT NOT NULL, status TEXT NOT NULL, ended_at INTEGER)`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, event TEXT NOT NULL, data TEXT NOT NULL)`);
    this.seq = this.sql.exec<{ seq: number | null }>('SELECT max(seq) AS seq FROM events').one().seq ?? 0;
  }

  /** The generation, or null before it began and after its log was forgotten. */
  state(): GenerationState | null {
    if (this.forgotten) return null;
    const row = this.sql.exec<StateRow>('SELECT job, status, ended_at FROM generation').toArray()[0];
    return row ? { job: JSON.parse(row.job) as GenerationJob, status: row.status, endedAt: row.ended_at } : null;
  }

  begin(job: GenerationJob): void {
    this.sql.exec(`INSERT INTO generation (id, job, status) VALUES (1, ?, 'running')`, JSON.stringify(job));
  }

  /** Records the end, with every event still in memory, in one transaction. */
  end(status: Exclude<GenerationStatus, 'running'>, now: number): void {
    this.storage.transactionSync(() => {
      this.flush();
      this.sql.exec('UPDATE generation SET status = ?, ended_at = ?', status, now);
    });
  }

  /** Numbers the next event, queues it for storage and gives back its frame. */
  append(event: string, data: unknown): string {
    const row = { seq: ++this.seq, event, data: JSON.stringify(data) };
    this.pending.push(row);
    this.flushTimer ??= setTimeout(() => this.storage.transactionSync(() => this.flush()), FLUSH_MS);
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
    this.forgotten = true;
    await this.storage.deleteAll();
  }

  private rowsAfter(after: number): EventRow[] {
    const stored = this.sql.exec<EventRow>('SELECT seq, event, data FROM events WHERE seq > ? ORDER BY seq', after).toArray();
    return [...stored, ...this.pending.filter((row) => row.seq > after)];
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    for (const row of this.pending) this.sql.exec('INSERT INTO events (seq, event, data) VALUES (?, ?, ?)', row.seq, row.event, row.data);
    this.pending = [];
  }
}
