import { frameText } from '../chat/sse';
import type { GenerationStatus } from '../db/schema';
import type { GenerationJob } from './job';

/** A generation's state as its object keeps it. */
export type GenerationState = { job: GenerationJob; status: GenerationStatus; endedAt: number | null };

/** A stored generation as the object's alarm sees it, without its job or events. */
export type StoredGeneration = { id: string; status: GenerationStatus; endedAt: number | null };

type StateRow = { job: string; status: GenerationStatus; ended_at: number | null };
type IndexRow = { id: string; status: GenerationStatus; ended_at: number | null };
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
 * woke after an eviction, once per generation asked for.
 */
export const FLUSH_MS = 1000;

/** A stored flush: its events as `[seq, event, data]` triples, keyed by the last seq it holds. */
type BatchRow = { events: string };
type StoredEvent = [seq: number, event: string, data: string];

/**
 * The SQLite storage of one object's generations: a row per generation (its job and how it
 * ended) and its flushed event batches. The tables are made by the first flush, never
 * before: a fresh object writes nothing until its first answer's upstream request has left.
 * `onStored` runs after each generation's first flush: from then on it exists in storage.
 */
export class EventStore {
  private readonly sql: SqlStorage;
  private tables: boolean;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly onStored: () => void,
  ) {
    this.sql = storage.sql;
    this.tables = this.sql.exec(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'generation_events'`).toArray().length > 0;
  }

  /** The stored log of generation `id`, or null when this object holds none. */
  load(id: string): EventLog | null {
    if (!this.tables) return null;
    const row = this.sql.exec<StateRow>('SELECT job, status, ended_at FROM generations WHERE id = ?', id).toArray()[0];
    if (!row) return null;
    const rows: EventRow[] = [];
    for (const batch of this.sql.exec<BatchRow>('SELECT events FROM generation_events WHERE generation_id = ? ORDER BY last_seq', id)) {
      for (const [seq, event, data] of JSON.parse(batch.events) as StoredEvent[]) rows.push({ seq, event, data });
    }
    return new EventLog(this, { job: JSON.parse(row.job) as GenerationJob, status: row.status, endedAt: row.ended_at }, rows, true);
  }

  /** Every stored generation, for the alarm. */
  index(): StoredGeneration[] {
    if (!this.tables) return [];
    return this.sql.exec<IndexRow>('SELECT id, status, ended_at FROM generations').toArray().map((r) => ({ id: r.id, status: r.status, endedAt: r.ended_at }));
  }

  /** Deletes one generation's log; the object's whole storage once it holds none. */
  async delete(id: string): Promise<void> {
    if (!this.tables) return;
    this.storage.transactionSync(() => {
      this.sql.exec('DELETE FROM generation_events WHERE generation_id = ?', id);
      this.sql.exec('DELETE FROM generations WHERE id = ?', id);
    });
    if (this.sql.exec('SELECT 1 FROM generations LIMIT 1').toArray().length > 0) return;
    await this.storage.deleteAll();
    this.tables = false;
  }

  /** Writes a flush in one transaction: the job the first time, later at most how it ended, and the new events. */
  write(state: GenerationState, first: boolean, batch: StoredEvent[], lastSeq: number): void {
    this.storage.transactionSync(() => {
      if (!this.tables) {
        this.sql.exec(`CREATE TABLE IF NOT EXISTS generations (id TEXT PRIMARY KEY, job TEXT NOT NULL, status TEXT NOT NULL, ended_at INTEGER)`);
        this.sql.exec(`CREATE TABLE IF NOT EXISTS generation_events (generation_id TEXT NOT NULL, last_seq INTEGER NOT NULL, events TEXT NOT NULL, PRIMARY KEY (generation_id, last_seq))`);
      }
      const id = state.job.generationId;
      if (first) {
        this.sql.exec('INSERT INTO generations (id, job, status, ended_at) VALUES (?, ?, ?, ?)', id, JSON.stringify(state.job), state.status, state.endedAt);
      } else if (state.status !== 'running') {
        this.sql.exec('UPDATE generations SET status = ?, ended_at = ? WHERE id = ?', state.status, state.endedAt, id);
      }
      if (batch.length > 0) this.sql.exec('INSERT INTO generation_events (generation_id, last_seq, events) VALUES (?, ?, ?)', id, lastSeq, JSON.stringify(batch));
    });
    this.tables = true;
    if (first) this.onStored();
  }
}

/**
 * The numbered events of one generation, with its job and status: enough to replay the
 * answer to anyone who resumes after any seq, and to end the generation from what was stored
 * if the object is evicted mid-answer. The state and every event live in memory too; new
 * ones reach storage (EventStore) at the next flush, and reads never wait for it.
 */
export class EventLog {
  private flushed: number;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly store: EventStore,
    private current: GenerationState,
    /** Every event, in seq order (seq n at index n - 1); those from `flushed` on are not yet in storage. */
    private readonly rows: EventRow[],
    private stored: boolean,
  ) {
    this.flushed = rows.length;
    if (!stored) this.scheduleFlush();
  }

  /** A new generation's log, first written a flush after now. */
  static begin(store: EventStore, job: GenerationJob): EventLog {
    return new EventLog(store, { job, status: 'running', endedAt: null }, [], false);
  }

  state(): GenerationState {
    return this.current;
  }

  /** Records the end, with every event still in memory, in one transaction. */
  end(status: Exclude<GenerationStatus, 'running'>, now: number): void {
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

  private scheduleFlush(): void {
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const batch = this.rows.slice(this.flushed).map((row): StoredEvent => [row.seq, row.event, row.data]);
    this.store.write(this.current, !this.stored, batch, this.rows.length);
    this.flushed = this.rows.length;
    this.stored = true;
  }
}
