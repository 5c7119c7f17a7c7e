import { env } from 'cloudflare:test';

/** The backfill statements of the migration numbered `number`. */
function backfillOf(number: string): string[] {
  const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith(`${number}_`));
  if (!migration) throw new Error(`migration ${number} is missing`);
  const backfill = migration.queries.filter((q) => q.trimStart().startsWith('UPDATE'));
  if (backfill.length === 0) throw new Error(`migration ${number} has no backfill`);
  return backfill;
}

/**
 * Runs the backfills of the message-tree migration (parents, the selected path) and of the
 * depth migration again, in order, for rows a test wrote the way they were written before
 * messages had parents: they touch only conversations without a path and messages without a depth.
 */
export async function backfillMessageTree(): Promise<void> {
  await env.DB.batch([...backfillOf('0013'), ...backfillOf('0015')].map((q) => env.DB.prepare(q)));
}
