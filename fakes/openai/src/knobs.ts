import type { IncomingHttpHeaders } from 'node:http';

export type FailMode = 'error' | 'drop';
export type RateLimitType = 'requests' | 'tokens';

/** How one fake completion behaves. */
export type Knobs = {
  /** Delay before the first content token, in ms. */
  ttftMs: number;
  /** Delay before each later frame, in ms. */
  gapMs: number;
  /** Content tokens in the answer before max_tokens cuts it. */
  tokens: number;
  /** Answer with this HTTP status and OpenAI's error body instead of a completion. */
  status: number | null;
  /** Fail once this many content tokens have gone out. */
  failAfter: number | null;
  /** `error`: an OpenAI error frame, then end; `drop`: cut the connection. */
  failMode: FailMode;
  /** Which limit a 429 reports as hit. */
  limit: RateLimitType;
  /** Accept the request and never answer. */
  hang: boolean;
  /** Send lines that are not JSON instead of chunks. */
  garbage: boolean;
  /**
   * Withhold the response headers (and the role chunk) until the first content token, as
   * reasoning models do while they think: the caller sees nothing at all for `ttftMs`.
   */
  holdHeaders: boolean;
  /** Answer with a long Markdown document (src/markdown.ts) instead of the echo. */
  markdown: boolean;
  /** Seconds sent as `Retry-After` with an error status (a 429 sends 1 unless set). */
  retryAfter: number | null;
  /**
   * Runtime config only: fail this many of the next requests with `failStatus`, then answer
   * again (a provider that recovers). Counts down as requests arrive; `GET /__fake/config`
   * shows what is left.
   */
  failNext: number;
  /** The status `failNext` answers with. */
  failStatus: number;
  /** Be down: cut every completion's connection before any answer, as a dead host or a crashed proxy would. */
  down: boolean;
};

export const DEFAULT_KNOBS: Readonly<Knobs> = {
  ttftMs: 200,
  gapMs: 20,
  tokens: 50,
  status: null,
  failAfter: null,
  failMode: 'error',
  limit: 'requests',
  hang: false,
  garbage: false,
  holdHeaders: false,
  markdown: false,
  retryAfter: null,
  failNext: 0,
  failStatus: 503,
  down: false,
};

/** A knob value that does not parse; the caller answers 400 (or the CLI exits) rather than ignore a typo. */
export class KnobError extends Error {}

type Spec<K extends keyof Knobs> = {
  /** The name inside a `[[fake …]]` directive; none for a knob of the runtime config alone. */
  directive: string | null;
  header: string | null;
  parse: (raw: string) => Knobs[K] | undefined;
};

function count(raw: string): number | undefined {
  const n = Number(raw);
  return raw.trim() !== '' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

function errorStatus(raw: string): number | undefined {
  const n = count(raw);
  return n !== undefined && n >= 400 && n <= 599 ? n : undefined;
}

function flag(raw: string): boolean | undefined {
  if (raw === '1' || raw === 'true') return true;
  if (raw === '0' || raw === 'false') return false;
  return undefined;
}

function oneOf<T extends string>(...values: T[]): (raw: string) => T | undefined {
  return (raw) => values.find((v) => v === raw);
}

const SPECS: { [K in keyof Knobs]: Spec<K> } = {
  ttftMs: { directive: 'ttft', header: 'x-fake-ttft-ms', parse: count },
  gapMs: { directive: 'gap', header: 'x-fake-gap-ms', parse: count },
  tokens: { directive: 'tokens', header: 'x-fake-tokens', parse: count },
  status: { directive: 'status', header: 'x-fake-status', parse: errorStatus },
  failAfter: { directive: 'fail_after', header: 'x-fake-fail-after', parse: count },
  failMode: { directive: 'fail_mode', header: 'x-fake-fail-mode', parse: oneOf('error', 'drop') },
  limit: { directive: 'limit', header: 'x-fake-limit', parse: oneOf('requests', 'tokens') },
  hang: { directive: 'hang', header: 'x-fake-hang', parse: flag },
  garbage: { directive: 'garbage', header: 'x-fake-garbage', parse: flag },
  holdHeaders: { directive: 'hold_headers', header: 'x-fake-hold-headers', parse: flag },
  markdown: { directive: 'markdown', header: 'x-fake-markdown', parse: flag },
  retryAfter: { directive: 'retry_after', header: 'x-fake-retry-after', parse: count },
  // A countdown is state of the server, not of one request: every retry repeats the request's directive.
  failNext: { directive: null, header: null, parse: count },
  failStatus: { directive: 'fail_status', header: 'x-fake-fail-status', parse: errorStatus },
  down: { directive: 'down', header: 'x-fake-down', parse: flag },
};

const KEYS = Object.keys(SPECS) as (keyof Knobs)[];

function set<K extends keyof Knobs>(into: Partial<Knobs>, key: K, raw: string, source: string): void {
  const value = SPECS[key].parse(raw);
  if (value === undefined) throw new KnobError(`${source}: "${raw}" is not a valid value`);
  into[key] = value;
}

/** Knobs from `x-fake-*` request headers. */
export function knobsFromHeaders(headers: IncomingHttpHeaders): Partial<Knobs> {
  const knobs: Partial<Knobs> = {};
  for (const key of KEYS) {
    const header = SPECS[key].header;
    if (header === null) continue;
    const value = headers[header];
    const raw = Array.isArray(value) ? value[0] : value;
    if (raw !== undefined) set(knobs, key, raw, header);
  }
  return knobs;
}

const DIRECTIVE = /\[\[fake\b([^\]]*)\]\]/g;

/**
 * Knobs from `[[fake ttft=500 gap=10 …]]` directives in a message: callers that reach the
 * fake through our Worker cannot set headers, but they choose the text. A bare name means
 * `=1`. Returns the text without the directives, so the answer does not echo them.
 */
export function knobsFromDirective(text: string): { knobs: Partial<Knobs>; text: string } {
  const knobs: Partial<Knobs> = {};
  for (const match of text.matchAll(DIRECTIVE)) {
    for (const pair of (match[1] ?? '').trim().split(/\s+/).filter(Boolean)) {
      const [name = '', raw = '1'] = pair.split('=', 2);
      const key = KEYS.find((k) => SPECS[k].directive === name);
      if (!key) throw new KnobError(`[[fake]]: unknown knob "${name}" (known: ${KEYS.flatMap((k) => SPECS[k].directive ?? []).join(', ')})`);
      set(knobs, key, raw, `[[fake ${name}]]`);
    }
  }
  return { knobs, text: text.replace(DIRECTIVE, ' ').replace(/\s+/g, ' ').trim() };
}

/**
 * A `POST /__fake/config` body: knob names as in {@link Knobs}; `null` drops the runtime
 * value so the server default shows through again.
 */
export function knobsFromConfig(raw: unknown): { set: Partial<Knobs>; clear: (keyof Knobs)[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new KnobError('config must be a JSON object');
  const result = { set: {} as Partial<Knobs>, clear: [] as (keyof Knobs)[] };
  for (const [name, value] of Object.entries(raw)) {
    const key = KEYS.find((k) => k === name);
    if (!key) throw new KnobError(`config: unknown knob "${name}" (known: ${KEYS.join(', ')})`);
    if (value === null) result.clear.push(key);
    else if (['string', 'number', 'boolean'].includes(typeof value)) set(result.set, key, String(value), `config ${name}`);
    else throw new KnobError(`config ${name}: expected a string, number, boolean or null`);
  }
  return result;
}

type EnvKnobs = Pick<Knobs, 'ttftMs' | 'gapMs' | 'tokens'>;

const ENV: Record<keyof EnvKnobs, string> = {
  ttftMs: 'FAKE_OPENAI_TTFT_MS',
  gapMs: 'FAKE_OPENAI_GAP_MS',
  tokens: 'FAKE_OPENAI_TOKENS',
};

/** The CLI's defaults from `FAKE_OPENAI_TTFT_MS`, `FAKE_OPENAI_GAP_MS`, `FAKE_OPENAI_TOKENS`. */
export function knobsFromEnv(env: NodeJS.ProcessEnv): Partial<EnvKnobs> {
  const knobs: Partial<Knobs> = {};
  for (const key of Object.keys(ENV) as (keyof EnvKnobs)[]) {
    const raw = env[ENV[key]];
    if (raw !== undefined && raw !== '') set(knobs, key, raw, ENV[key]);
  }
  return { ttftMs: knobs.ttftMs, gapMs: knobs.gapMs, tokens: knobs.tokens };
}

/**
 * The knobs a request runs with. Precedence, lowest first: built-in defaults, server
 * options, runtime config (`/__fake/config`), then the request's own headers and directive.
 */
export class KnobSettings {
  private runtime: Partial<Knobs> = {};
  private readonly base: Knobs;

  constructor(options: Partial<Knobs>) {
    this.base = { ...DEFAULT_KNOBS, ...withoutUndefined(options) };
  }

  defaults(): Knobs {
    return { ...this.base, ...this.runtime };
  }

  /** The knobs of one arriving request; it takes one of the `failNext` countdown's failures, if any are left. */
  forRequest(...layers: Partial<Knobs>[]): Knobs {
    const knobs = Object.assign(this.defaults(), ...layers) as Knobs;
    const left = this.runtime.failNext ?? 0;
    if (left > 0) {
      this.runtime = { ...this.runtime, failNext: left - 1 };
      return { ...knobs, status: knobs.failStatus, failNext: left - 1 };
    }
    return knobs;
  }

  configure(change: { set: Partial<Knobs>; clear: (keyof Knobs)[] }): void {
    const runtime = { ...this.runtime, ...change.set };
    for (const key of change.clear) delete runtime[key];
    this.runtime = runtime;
  }

  reset(): void {
    this.runtime = {};
  }
}

function withoutUndefined(knobs: Partial<Knobs>): Partial<Knobs> {
  return Object.fromEntries(Object.entries(knobs).filter(([, v]) => v !== undefined)) as Partial<Knobs>;
}
