import { env } from 'cloudflare:test';

/**
 * Runs the message-tree migration's backfill again, for rows a test wrote the way they were
 * written before messages had parents: it touches only conversations without a path.
 */
export async function backfillMessageTree(): Promise<void> {
  const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith('0013_'));
  if (!migration) throw new Error('the message-tree migration is missing');
  const backfill = migration.queries.filter((q) => q.trimStart().startsWith('UPDATE'));
  if (backfill.length === 0) throw new Error('the message-tree migration has no backfill');
  await env.DB.batch(backfill.map((q) => env.DB.prepare(q)));
}
