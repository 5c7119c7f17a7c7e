type RouteEntry = { method: string; path: string };

type Matcher = { pattern: RegExp; methods: Set<string> };

function toPattern(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}/?$`);
}

/**
 * Knows, for a path no route answered, which methods would have: a 404 for an unknown
 * path becomes a 405 with `Allow` for a known path asked with the wrong method.
 */
export class AllowedMethods {
  private matchers: Matcher[] | undefined;

  constructor(private readonly routes: () => readonly RouteEntry[]) {}

  /** The methods the path answers, empty when no route has that path. */
  for(path: string): string[] {
    this.matchers ??= this.build();
    const methods = new Set<string>();
    for (const m of this.matchers) if (m.pattern.test(path)) for (const method of m.methods) methods.add(method);
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  }

  private build(): Matcher[] {
    const byPath = new Map<string, Set<string>>();
    for (const { method, path } of this.routes()) {
      if (method === 'ALL' || path.includes('*')) continue;
      const methods = byPath.get(path) ?? new Set<string>();
      methods.add(method.toUpperCase());
      byPath.set(path, methods);
    }
    return [...byPath].map(([path, methods]) => ({ pattern: toPattern(path), methods }));
  }
}
