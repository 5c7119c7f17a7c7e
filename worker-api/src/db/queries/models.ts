import { eq, inArray, sql, type SQL } from 'drizzle-orm';
import { d1Statement, type Db, type Statement } from '../client';
import { models, type ModelRow, type ProviderKind } from '../schema';

/**
 * A model users can be answered by: its row enabled and its provider enabled. A model a plan
 * names that is missing here, disabled, or served by a disabled provider is not allowed.
 */
export function modelAvailable(modelId: SQL): SQL {
  return sql`EXISTS (SELECT 1 FROM models JOIN providers ON providers.id = models.provider_id WHERE models.id = ${modelId} AND models.enabled = 1 AND providers.enabled = 1)`;
}

/** The ids of every model that can answer now, read afresh (an operator's edit applies to the next request). */
export async function availableModelIds(db: Db): Promise<Set<string>> {
  const { results } = await d1Statement(
    db,
    sql`SELECT models.id AS id FROM models JOIN providers ON providers.id = models.provider_id WHERE models.enabled = 1 AND providers.enabled = 1`,
  ).all<{ id: string }>();
  return new Set(results.map((r) => r.id));
}

/**
 * One model that may answer a request, with its provider, as the admission batch reads it;
 * `position` 0 is the model admitted, 1… its fallbacks in the order the operator gave.
 */
export type CandidateRow = {
  position: number;
  model_id: string;
  provider_id: string;
  upstream_model: string;
  max_output_tokens: number;
  input_price_micros: number;
  output_price_micros: number;
  price_currency: string;
  base_url: string | null;
  api_key_secret: string;
  extra_headers: string;
  kind: ProviderKind;
};

/**
 * The models that may answer, in the order they are tried: the admitted model (`admitted`,
 * a SQL value: NULL when refused, then no rows) and its fallbacks that are enabled, have an
 * enabled provider, and are in the user's plan (`planModels`, a JSON array) or marked as
 * fallback for every plan. A fallback list that is not valid JSON counts as empty rather than
 * failing the whole batch.
 */
export function candidatesSelect(db: Db, admitted: SQL, planModels: SQL) {
  return d1Statement(
    db,
    sql`WITH chosen(id) AS (SELECT ${admitted}),
chain(position, id) AS (
  SELECT 0, id FROM chosen WHERE id IS NOT NULL
  UNION ALL
  SELECT 1 + f.key, f.value FROM models m, json_each(CASE WHEN json_valid(m.fallbacks) THEN m.fallbacks ELSE '[]' END) f
  WHERE m.id = (SELECT id FROM chosen) AND f.type = 'text')
SELECT chain.position AS position, m.id AS model_id, m.provider_id, m.upstream_model, m.max_output_tokens, m.input_price_micros,
  m.output_price_micros, m.price_currency, p.base_url, p.api_key_secret, p.extra_headers, p.kind
FROM chain JOIN models m ON m.id = chain.id JOIN providers p ON p.id = m.provider_id
WHERE m.enabled = 1 AND p.enabled = 1
  AND (chain.position = 0 OR m.fallback_for_all_plans = 1 OR EXISTS (SELECT 1 FROM json_each(${planModels}) pm WHERE pm.value = m.id))
ORDER BY chain.position`,
  );
}

export type NewModel = Omit<ModelRow, 'createdAt' | 'updatedAt'>;
export type ModelChanges = Partial<Omit<ModelRow, 'id' | 'createdAt' | 'updatedAt'>>;

export async function getModelById(db: Db, id: string): Promise<ModelRow | undefined> {
  return db.query.models.findFirst({ where: eq(models.id, id) });
}

/** Every model, by provider then id. */
export async function listModels(db: Db): Promise<ModelRow[]> {
  return db.select().from(models).orderBy(models.providerId, models.id);
}

/** Which of `ids` the registry holds, enabled or not. */
export async function existingModelIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.select({ id: models.id }).from(models).where(inArray(models.id, [...ids]));
  return new Set(rows.map((r) => r.id));
}

/** Adds a model; an id already taken fails the batch on the primary key. */
export function modelInsert(db: Db, model: NewModel, now: number): Statement {
  return db.insert(models).values({ ...model, createdAt: now, updatedAt: now });
}

/** Edits a model; fields left undefined keep their value. */
export function modelUpdate(db: Db, id: string, changes: ModelChanges, now: number): Statement {
  return db
    .update(models)
    .set({ ...changes, updatedAt: now })
    .where(eq(models.id, id));
}
