import { z } from 'zod';
import type { CandidateRow } from '../db/queries/models';
import type { ProviderKind } from '../db/schema';

/**
 * A model that may answer a request, with everything needed to call it and price its answer,
 * as read at admission: a price or provider edit applies to the next request, never to one
 * already running. Holds the *name* of the key's secret, never the key.
 */
export type Candidate = {
  modelId: string;
  providerId: string;
  kind: ProviderKind;
  /** Null: the Worker's `OPENAI_BASE_URL`. */
  baseUrl: string | null;
  apiKeySecret: string;
  extraHeaders: Record<string, string>;
  upstreamModel: string;
  maxOutputTokens: number;
  /** Per million tokens, in micro-units of `priceCurrency`. */
  inputPriceMicros: number;
  outputPriceMicros: number;
  priceCurrency: string;
};

const ExtraHeaders = z.record(z.string(), z.string());

/** Headers an operator stored that do not parse as a string map are dropped rather than failing every answer. */
function headersOf(raw: string): Record<string, string> {
  try {
    const parsed = ExtraHeaders.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/**
 * The candidates in the order they are tried, each model once (a fallback list may name a
 * model twice, or the model itself).
 *
 * @example const [primary, ...fallbacks] = candidatesOf(rows)
 */
export function candidatesOf(rows: readonly CandidateRow[]): Candidate[] {
  const seen = new Set<string>();
  const candidates: Candidate[] = [];
  for (const row of [...rows].sort((a, b) => a.position - b.position)) {
    if (seen.has(row.model_id)) continue;
    seen.add(row.model_id);
    candidates.push({
      modelId: row.model_id,
      providerId: row.provider_id,
      kind: row.kind,
      baseUrl: row.base_url,
      apiKeySecret: row.api_key_secret,
      extraHeaders: headersOf(row.extra_headers),
      upstreamModel: row.upstream_model,
      maxOutputTokens: row.max_output_tokens,
      inputPriceMicros: row.input_price_micros,
      outputPriceMicros: row.output_price_micros,
      priceCurrency: row.price_currency,
    });
  }
  return candidates;
}

/**
 * What an answer cost: prompt tokens × the input price plus completion tokens × the output
 * price, both per million, rounded once to whole micro-units of the model's currency.
 *
 * @example answerCost(gpt4oMini, 1000, 500) // { micros: 450, currency: 'USD' }
 */
export function answerCost(c: Pick<Candidate, 'inputPriceMicros' | 'outputPriceMicros' | 'priceCurrency'>, promptTokens: number, completionTokens: number) {
  return { micros: Math.round((promptTokens * c.inputPriceMicros + completionTokens * c.outputPriceMicros) / 1_000_000), currency: c.priceCurrency };
}
