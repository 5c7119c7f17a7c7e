/** The calls of a D1 binding and of its statements that each make one round trip to the database. */
const DATABASE_TRIPS = ['batch', 'exec'] as const;
const STATEMENT_TRIPS = ['first', 'all', 'run', 'raw'] as const;

function isStatementTrip(prop: PropertyKey): prop is (typeof STATEMENT_TRIPS)[number] {
  return (STATEMENT_TRIPS as readonly PropertyKey[]).includes(prop);
}

/**
 * A D1 binding that runs `before` ahead of each round trip it makes to the database: a
 * statement's `first`, `all`, `run` or `raw` (given the bound statement), a `batch`, an
 * `exec`. `prepare` and `bind` cost nothing. The tests count with it; the bench's simulated
 * geography waits in it. Never used by the Worker's own code.
 */
export function aroundRoundTrips(db: D1Database, before: (call: string, statement?: D1PreparedStatement) => void | Promise<void>): D1Database {
  const targets = new WeakMap<object, D1PreparedStatement>();
  const unwrap = (s: D1PreparedStatement) => targets.get(s) ?? s;
  const wrap = (stmt: D1PreparedStatement): D1PreparedStatement => {
    const proxy = new Proxy(stmt, {
      get(target, prop) {
        if (prop === 'bind') return (...values: unknown[]) => wrap(target.bind(...values));
        if (isStatementTrip(prop)) {
          return async (...args: unknown[]) => {
            await before(prop, target);
            return (target[prop] as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          };
        }
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    targets.set(proxy, stmt);
    return proxy;
  };
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'prepare') return (query: string) => wrap(target.prepare(query));
      if (prop === 'batch') {
        return async (statements: D1PreparedStatement[]) => {
          await before('batch');
          return target.batch(statements.map(unwrap));
        };
      }
      if (prop === 'exec') {
        return async (query: string) => {
          await before('exec');
          return target.exec(query);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Runs `before` ahead of every round trip any D1 binding of this isolate makes until the
 * returned function is called: the Worker's and its Durable Objects' alike (in the test pool
 * they share the isolate, and their bindings one class), whose env a test cannot hand in.
 */
export function everyRoundTrip(sample: D1Database, before: (call: string) => void | Promise<void>): () => void {
  const database = Object.getPrototypeOf(sample) as Record<string, unknown>;
  const statement = Object.getPrototypeOf(sample.prepare('SELECT 1')) as Record<string, unknown>;
  const patched: [Record<string, unknown>, string, unknown][] = [];
  const around = (target: Record<string, unknown>, name: string) => {
    const original = target[name] as (...args: unknown[]) => Promise<unknown>;
    patched.push([target, name, original]);
    target[name] = async function (this: unknown, ...args: unknown[]) {
      await before(name);
      return original.apply(this, args);
    };
  };
  for (const name of DATABASE_TRIPS) around(database, name);
  for (const name of STATEMENT_TRIPS) around(statement, name);
  return () => {
    for (const [target, name, original] of patched) target[name] = original;
  };
}
