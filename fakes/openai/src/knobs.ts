import type { IncomingHttpHeaders } from 'node:http';

/** How one fake completion behaves. */
export type Knobs = {
  /** Delay before the first content token (ms). */
  ttftMs: number;
  /** Delay between content tokens (ms). */
  gapMs: number;
  /** Content tokens in the answer (before max_tokens cuts it). */
  tokens: number;
  /** Answer with this HTTP status and OpenAI's error body instead of a completion. */
  status?: number;
  /** Fail after this many content tokens. */
  failAfter?: number;
  /** `error`: an OpenAI error frame, then end; `drop`: cut the connection. */
  failMode: 'error' | 'drop';
  /** Accept the request and never answer. */
  hang: boolean;
  /** Stream lines that are not JSON. */
  garbage: boolean;
};

export const DEFAULT_KNOBS: Knobs = { ttftMs: 200, gapMs: 20, tokens: 50, failMode: 'error', hang: false, garbage: false };

const DIRECTIVE = /\[\[fake([^\]]*)\]\]/g;

function toNumber(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function toFlag(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  return value === '1' || value === 'true';
}

function fromPairs(pairs: Record<string, string | undefined>): Partial<Knobs> {
  const knobs: Partial<Knobs> = {};
  const set = <K extends keyof Knobs>(key: K, value: Knobs[K] | undefined) => {
    if (value !== undefined) knobs[key] = value;
  };
  set('ttftMs', toNumber(pairs.ttft));
  set('gapMs', toNumber(pairs.gap));
  set('tokens', toNumber(pairs.tokens));
  set('status', toNumber(pairs.status));
  set('failAfter', toNumber(pairs.fail_after));
  if (pairs.fail_mode === 'error' || pairs.fail_mode === 'drop') knobs.failMode = pairs.fail_mode;
  set('hang', toFlag(pairs.hang));
  set('garbage', toFlag(pairs.garbage));
  return knobs;
}

/** Knobs from `x-fake-*` request headers. */
export function knobsFromHeaders(headers: IncomingHttpHeaders): Partial<Knobs> {
  const h = (name: string) => {
    const v = headers[`x-fake-${name}`];
    return Array.isArray(v) ? v[0] : v;
  };
  return fromPairs({
    ttft: h('ttft-ms'),
    gap: h('gap-ms'),
    tokens: h('tokens'),
    status: h('status'),
    fail_after: h('fail-after'),
    fail_mode: h('fail-mode'),
    hang: h('hang'),
    garbage: h('garbage'),
  });
}

/**
 * Knobs from `[[fake ttft=500 gap=10 …]]` directives in a message, for callers that reach
 * the fake through a service that does not pass headers on; returns the text without them.
 */
export function knobsFromText(text: string): { knobs: Partial<Knobs>; text: string } {
  const pairs: Record<string, string> = {};
  for (const match of text.matchAll(DIRECTIVE)) {
    for (const pair of (match[1] ?? '').trim().split(/\s+/)) {
      const [key, value] = pair.split('=');
      if (key) pairs[key] = value ?? '1';
    }
  }
  return { knobs: fromPairs(pairs), text: text.replace(DIRECTIVE, '').trim() };
}

/** Parses `FAKE_OPENAI_*` environment defaults for the CLI. */
export function knobsFromEnv(env: NodeJS.ProcessEnv): Partial<Knobs> {
  return fromPairs({ ttft: env.FAKE_OPENAI_TTFT_MS, gap: env.FAKE_OPENAI_GAP_MS, tokens: env.FAKE_OPENAI_TOKENS });
}
