import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEFAULT_TOKEN_TTL_S, KID_PATTERN, MAX_TOKEN_LIFETIME_S } from '@chat/keys';
import { CliError, UsageError } from './errors';
import { DEFAULT_JWKS_TTL_S } from './policy';
import { wrappingSecret } from './secret';
import { activate, type ActivateOptions } from './verbs/activate';
import type { VerbContext } from './verbs/context';
import { list } from './verbs/list';
import { retire, type RetireOptions } from './verbs/retire';
import { rotate, type RotateOptions } from './verbs/rotate';
import { token, type TokenOptions } from './verbs/token';
import { WranglerKvStore, type KvTarget } from './wrangler-kv';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const USAGE = `usage: npm run keys -- <verb> (--local [--persist-to DIR] | --remote) [--config PATH] [options]

Manages the token signing keys in the KV namespace AUTH_KEYS (through wrangler).

verbs:
  rotate [--activate-now [--force]] [--jwks-ttl S]
      create a key, store it wrapped, publish its public key; prints the new kid.
      --activate-now also signs with it at once: only when no key is active yet,
      or with --force (verifiers may not have the new key yet)
  activate <kid> [--force] [--jwks-ttl S]
      sign with <kid> from now on; refused until it has been published for the
      Worker's JWKS cache TTL (--jwks-ttl, default ${DEFAULT_JWKS_TTL_S} s) unless --force
  retire <kid> [--force]
      unpublish <kid> and delete its private key; never the active key, and only
      once no token it signed can be live unless --force
  list
      table of keys: published, active, created, deactivated, retirable
  token --sub ID --scopes A,B [--roles R1,R2] [--ttl S] [--onboarded true|false]
      print a token signed with the active key (only the token goes to stdout).
      roles default to "user" ("" for none; none for svc:* subjects), ttl to
      ${DEFAULT_TOKEN_TTL_S} s (at most ${MAX_TOKEN_LIFETIME_S}), onboarded to false

where:
  --local           the state \`wrangler dev\` uses (.wrangler/state, or --persist-to DIR)
  --remote          the deployed namespace (needs \`wrangler login\` or CLOUDFLARE_API_TOKEN)
  --config PATH     wrangler config declaring AUTH_KEYS (default: the repository's wrangler.toml)

KEY_WRAPPING_SECRET (rotate, token) comes from the environment; with --local, else from
web/.dev.vars. Exit status: 0 done, 1 refused or failed, 2 bad command line.`;

const OPTIONS = {
  local: { type: 'boolean' },
  remote: { type: 'boolean' },
  'persist-to': { type: 'string' },
  config: { type: 'string' },
  force: { type: 'boolean' },
  'activate-now': { type: 'boolean' },
  'jwks-ttl': { type: 'string' },
  sub: { type: 'string' },
  scopes: { type: 'string' },
  roles: { type: 'string' },
  ttl: { type: 'string' },
  onboarded: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type OptionName = keyof typeof OPTIONS;
const VERBS = ['rotate', 'activate', 'retire', 'list', 'token'] as const;
type Verb = (typeof VERBS)[number];
const COMMON_OPTIONS: readonly OptionName[] = ['local', 'remote', 'persist-to', 'config'];
const VERB_OPTIONS: Record<Verb, readonly OptionName[]> = {
  rotate: ['activate-now', 'force', 'jwks-ttl'],
  activate: ['force', 'jwks-ttl'],
  retire: ['force'],
  list: [],
  token: ['sub', 'scopes', 'roles', 'ttl', 'onboarded'],
};
const VERB_POSITIONALS: Record<Verb, readonly string[]> = { rotate: [], activate: ['kid'], retire: ['kid'], list: [], token: [] };

const Kid = z.string().regex(KID_PATTERN, 'not a kid').refine((kid) => kid !== 'active', 'not a kid');
const Seconds = z.string().regex(/^\d+$/, 'must be a whole number of seconds').transform(Number);
const Names = z
  .string()
  .transform((text) => text.split(',').map((name) => name.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[A-Za-z0-9:._-]{1,64}$/, 'names are letters, digits and : . _ -')));

const TokenArgs = z.object({
  sub: z.string({ error: 'is required' }).min(1).max(128),
  scopes: z.string({ error: 'is required (comma-separated; "" for none)' }).pipe(Names),
  roles: Names.optional(),
  ttl: Seconds.pipe(z.number().min(1).max(MAX_TOKEN_LIFETIME_S)).optional(),
  onboarded: z.enum(['true', 'false']).optional(),
});

type Command =
  | { verb: 'rotate'; options: RotateOptions }
  | { verb: 'activate'; options: ActivateOptions }
  | { verb: 'retire'; options: RetireOptions }
  | { verb: 'list' }
  | { verb: 'token'; options: TokenOptions };

type Invocation = { help: true } | { help: false; target: KvTarget; config: string; command: Command };

function check<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? `--${issue.path.join('.')}` : what;
    return `${path}: ${issue.message}`;
  });
  throw new UsageError(problems.join('\n'));
}

// Paths are the operator's, relative to where they ran `npm run` (npm itself runs us from the root).
function fromCaller(path: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}

function toCommand(verb: Verb, values: Partial<Record<OptionName, string | boolean>>, positionals: string[]): Command {
  const flag = (name: OptionName) => values[name] === true;
  const jwksTtlS = values['jwks-ttl'] === undefined ? DEFAULT_JWKS_TTL_S : check(Seconds, values['jwks-ttl'], '--jwks-ttl');
  switch (verb) {
    case 'rotate':
      if (flag('force') && !flag('activate-now')) throw new UsageError('--force with rotate only makes sense with --activate-now');
      return { verb, options: { activateNow: flag('activate-now'), force: flag('force'), jwksTtlS } };
    case 'activate':
      return { verb, options: { kid: check(Kid, positionals[0], '<kid>'), force: flag('force'), jwksTtlS } };
    case 'retire':
      return { verb, options: { kid: check(Kid, positionals[0], '<kid>'), force: flag('force') } };
    case 'list':
      return { verb };
    case 'token': {
      const args = check(TokenArgs, values, 'token');
      const roles = args.roles ?? (args.sub.startsWith('svc:') ? [] : ['user']);
      return {
        verb,
        options: { claims: { sub: args.sub, roles, scopes: args.scopes, onboarded: args.onboarded === 'true' }, ttlSeconds: args.ttl ?? DEFAULT_TOKEN_TTL_S },
      };
    }
  }
}

/** Turns argv into a validated invocation; every mistake is a UsageError. */
function parseInvocation(argv: string[]): Invocation {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };

  const [verbArg, ...rest] = positionals;
  if (verbArg === undefined) throw new UsageError('missing verb');
  const verb = VERBS.find((name) => name === verbArg);
  if (!verb) throw new UsageError(`unknown verb: ${verbArg}`);

  const allowed = new Set<string>([...COMMON_OPTIONS, ...VERB_OPTIONS[verb]]);
  const stray = Object.keys(values).filter((name) => !allowed.has(name));
  if (stray.length > 0) throw new UsageError(`${verb} does not take ${stray.map((name) => `--${name}`).join(', ')}`);
  const expected = VERB_POSITIONALS[verb];
  if (rest.length !== expected.length) {
    throw new UsageError(expected.length === 0 ? `${verb} takes no arguments` : `${verb} takes ${expected.map((name) => `<${name}>`).join(' ')}`);
  }

  if (values.local === values.remote) throw new UsageError('give exactly one of --local and --remote');
  if (values.remote && values['persist-to'] !== undefined) throw new UsageError('--persist-to only applies to --local');
  const target: KvTarget = values.remote
    ? { kind: 'remote' }
    : values['persist-to'] === undefined
      ? { kind: 'local' }
      : { kind: 'local', persistTo: fromCaller(values['persist-to']) };
  const config = values.config === undefined ? resolve(ROOT, 'wrangler.toml') : fromCaller(values.config);
  return { help: false, target, config, command: toCommand(verb, values, rest) };
}

async function run(ctx: VerbContext, command: Command): Promise<void> {
  switch (command.verb) {
    case 'rotate':
      return rotate(ctx, command.options);
    case 'activate':
      return activate(ctx, command.options);
    case 'retire':
      return retire(ctx, command.options);
    case 'list':
      return list(ctx);
    case 'token':
      return token(ctx, command.options);
  }
}

/** `npm run keys -- …`: exit 0 done, 1 refused or failed, 2 bad command line. */
async function main(argv: string[]): Promise<number> {
  let invocation: Invocation;
  try {
    invocation = parseInvocation(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`error: ${err.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (invocation.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { target } = invocation;
  const ctx: VerbContext = {
    store: new WranglerKvStore({ target, config: invocation.config, cwd: ROOT }),
    now: () => new Date(),
    print: (line) => process.stdout.write(`${line}\n`),
    log: (line) => process.stderr.write(`${line}\n`),
    secret: () => wrappingSecret(target, ROOT),
  };
  try {
    await run(ctx, invocation.command);
    return 0;
  } catch (err) {
    // Refusals are expected outcomes; anything else is a failure worth its stack-free message too.
    const prefix = err instanceof CliError ? 'error' : `error (${err instanceof Error ? err.name : 'unknown'})`;
    process.stderr.write(`${prefix}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
