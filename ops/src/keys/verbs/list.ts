import { readActiveKid, readAllKeyRecords, readJwks, type KeyRecord } from '../inventory';
import { retireBlock } from '../policy';
import type { VerbContext } from './context';

const HEADERS = ['KID', 'PUBLISHED', 'ACTIVE', 'CREATED', 'DEACTIVATED', 'RETIRABLE'] as const;

function retirable(record: KeyRecord, activeKid: string | null, now: Date): string {
  const block = retireBlock(record, activeKid, now);
  if (!block) return 'yes';
  if (!block.forceable) return 'no (active)';
  return block.safeAt ? `after ${block.safeAt.toISOString()}` : 'unsure (--force)';
}

/** Prints every known key as a table on stdout, and inconsistencies on stderr. */
export async function list(ctx: VerbContext): Promise<void> {
  const { store } = ctx;
  const jwks = await readJwks(store);
  const activeKid = await readActiveKid(store);
  const records = await readAllKeyRecords(store, jwks);
  const now = ctx.now();

  const rows = records.map((record) => [
    record.kid,
    record.published ? 'yes' : 'no',
    record.kid === activeKid ? 'yes' : 'no',
    record.meta?.createdAt ?? '-',
    record.meta?.deactivatedAt ?? '-',
    retirable(record, activeKid, now),
  ]);
  const widths = HEADERS.map((header, i) => Math.max(header.length, ...rows.map((row) => row[i]?.length ?? 0)));
  for (const row of [[...HEADERS], ...rows]) ctx.print(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd());

  if (activeKid === null) ctx.log('no active key: run `rotate --activate-now` to create the first one');
  else if (!records.some((record) => record.kid === activeKid)) ctx.log(`warning: the active kid ${activeKid} is neither published nor stored`);
  for (const record of records) {
    if (!record.published) ctx.log(`warning: ${record.kid} is stored but not published`);
    if (record.envelope === null) ctx.log(`warning: ${record.kid} is published but has no stored private key`);
    if (record.metaError) ctx.log(`warning: ${record.kid}: ${record.metaError}`);
  }
}
