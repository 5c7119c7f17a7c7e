/**
 * The bench's D1, in a workerd process of its own: production D1 runs on its own machines,
 * never on the Worker's thread, while Miniflare's simulator shares the Worker's one thread,
 * so every query's SQLite and disk work would queue with the relay. The Worker's D1 binding
 * (workerd's own D1 API module) reaches it over HTTP (`run-worker.ts --d1-url`), and it
 * answers the binding's requests (`POST /query`, `/execute`) in D1's wire format, as
 * Miniflare's simulator answers them: per statement `{ success, results, meta }`, all of a
 * batch in one transaction. One database (`DATABASE_ID`); its SQLite file is the
 * simulator's own (see wrangler.toml), so `wrangler d1 … --local` reads and writes it too.
 * Bench code only; it is never deployed.
 */

type SqlValue = string | number | null | ArrayBuffer;
type SqlCursor = { columnNames: string[]; rowsRead: number; rowsWritten: number; raw(): IterableIterator<SqlValue[]>; one(): Record<string, SqlValue> };
type State = {
  storage: { sql: { exec(query: string, ...bindings: unknown[]): SqlCursor; databaseSize: number }; transactionSync<T>(fn: () => T): T };
};
type Namespace = { idFromName(name: string): unknown; get(id: unknown): { fetch(request: Request): Promise<Response> } };
type Env = { DATABASES: Namespace; DATABASE_ID: string };

type Query = { sql: string; params?: (string | number | null | number[])[] | null };
type ResultsFormat = 'ROWS_AND_COLUMNS' | 'ARRAY_OF_OBJECTS';

const ONLY_COMMENTS = /^\s+--.*/gm;

export class D1DatabaseObject {
  constructor(private readonly state: State) {}

  async fetch(request: Request): Promise<Response> {
    if (request.method !== 'POST') return Response.json({ success: false, error: 'D1 queries are POSTed' }, { status: 405 });
    const format: ResultsFormat = new URL(request.url).searchParams.get('resultsFormat') === 'ROWS_AND_COLUMNS' ? 'ROWS_AND_COLUMNS' : 'ARRAY_OF_OBJECTS';
    const body = (await request.json()) as Query | Query[];
    const queries = (Array.isArray(body) ? body : [body]).filter((q) => q.sql.replace(ONLY_COMMENTS, '').trim().length > 0);
    if (queries.length === 0) return Response.json({ success: false, error: 'No SQL statements detected.' }, { status: 500 });
    try {
      return Response.json(this.state.storage.transactionSync(() => queries.map((q) => this.run(q, format))));
    } catch (err) {
      return Response.json({ success: false, error: err instanceof Error ? err.message : String(err) }, { status: 500 });
    }
  }

  private run(query: Query, format: ResultsFormat) {
    const { sql } = this.state.storage;
    const counters = () => sql.exec('SELECT total_changes() AS changes, last_insert_rowid() AS lastRowId').one() as { changes: number; lastRowId: number };
    const before = counters();
    const sizeBefore = sql.databaseSize;
    const startedAt = performance.now();
    // D1's wire format carries blobs as arrays of bytes, both ways.
    const params = (query.params ?? []).map((p) => (Array.isArray(p) ? new Uint8Array(p).buffer : p));
    const cursor = sql.exec(query.sql, ...params);
    const columns = cursor.columnNames;
    const rows = Array.from(cursor.raw(), (row) => row.map((v) => (v instanceof ArrayBuffer ? Array.from(new Uint8Array(v)) : v)));
    const duration = performance.now() - startedAt;
    const after = counters();
    const changes = after.changes - before.changes;
    const results = format === 'ROWS_AND_COLUMNS' ? { columns, rows } : rows.map((row) => Object.fromEntries(columns.map((name, i) => [name, row[i]])));
    return {
      success: true,
      results,
      meta: {
        served_by: 'bench.d1-host',
        duration,
        changes,
        last_row_id: after.lastRowId,
        changed_db: changes !== 0 || after.lastRowId !== before.lastRowId || sql.databaseSize !== sizeBefore,
        size_after: sql.databaseSize,
        rows_read: cursor.rowsRead,
        rows_written: cursor.rowsWritten,
      },
    };
  }
}

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    return env.DATABASES.get(env.DATABASES.idFromName(env.DATABASE_ID)).fetch(request);
  },
};
