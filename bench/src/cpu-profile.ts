/** The WHATWG WebSocket Node 20 has behind `--experimental-websocket` (global from Node 22). */
type Socket = {
  addEventListener(type: 'open' | 'error' | 'message', listener: (event: { data?: unknown }) => void, options?: { once?: boolean }): void;
  send(data: string): void;
  close(): void;
};

function openSocket(url: string): Promise<Socket> {
  const Ctor = (globalThis as unknown as { WebSocket?: new (url: string, init: { headers: Record<string, string> }) => Socket }).WebSocket;
  if (!Ctor) throw new Error('no WebSocket in this Node: run with --experimental-websocket (Node 20) or on Node 22+');
  // The inspector proxy only admits DevTools origins; undici's init may set the header.
  const ws = new Ctor(url, { headers: { Origin: 'http://localhost' } });
  return new Promise((resolve, reject) => {
    ws.addEventListener('open', () => resolve(ws), { once: true });
    ws.addEventListener('error', () => reject(new Error(`cannot connect to ${url}`)), { once: true });
  });
}

/** One node of a V8 CPU profile (DevTools protocol `Profiler.Profile`). */
type ProfileNode = { id: number; callFrame: { functionName: string; scriptId: string; url: string; lineNumber: number; columnNumber: number }; hitCount?: number; children?: number[] };
export type Profile = { nodes: ProfileNode[]; startTime: number; endTime: number; samples?: number[]; timeDeltas?: number[] };

export type HotFunction = { selfMs: number; share: number; name: string; where: string; scriptId: string; line: number; source?: string };

/** A function with the time of every sample it was on the stack for (itself and what it called, each sample once). */
export type InclusiveFunction = { totalMs: number; share: number; name: string; where: string };

/**
 * A CPU profile of one workerd isolate through the DevTools inspector `wrangler dev` /
 * Miniflare serve on `--inspector-port`: start, run `during`, stop, and fold the
 * samples into self time per function.
 *
 * @example const hot = await profileIsolate(stack.inspectors.worker, () => runLoad())
 */
export async function profileIsolate(
  inspectorPort: number,
  during: () => Promise<void>,
  intervalUs = 200,
): Promise<{ totalMs: number; hot: HotFunction[]; inclusive: InclusiveFunction[]; profile: Profile }> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as { webSocketDebuggerUrl?: string; title?: string }[];
  const url = targets.find((t) => t.webSocketDebuggerUrl)?.webSocketDebuggerUrl;
  if (!url) throw new Error(`no inspectable isolate on port ${inspectorPort}: ${JSON.stringify(targets)}`);
  const ws = await openSocket(url);
  let seq = 0;
  const pending = new Map<number, (result: unknown) => void>();
  ws.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message.error ? Promise.reject(new Error(JSON.stringify(message.error))) : message.result);
  });
  const send = <T>(method: string, params: Record<string, unknown> = {}) =>
    new Promise<T>((resolve) => {
      const id = ++seq;
      pending.set(id, resolve as (result: unknown) => void);
      ws.send(JSON.stringify({ id, method, params }));
    });
  try {
    await send('Profiler.enable');
    await send('Profiler.setSamplingInterval', { interval: intervalUs });
    await send('Profiler.start');
    await during();
    const { profile } = await send<{ profile: Profile }>('Profiler.stop');
    const folded = fold(profile);
    // The bundle's own line beside each hot function, so a reader can place it without the bundle.
    await send('Debugger.enable');
    const sources = new Map<string, string[]>();
    for (const f of folded.hot.slice(0, 40)) {
      if (!f.scriptId || f.scriptId === '0') continue;
      if (!sources.has(f.scriptId)) {
        const { scriptSource } = await send<{ scriptSource: string }>('Debugger.getScriptSource', { scriptId: f.scriptId }).catch(() => ({ scriptSource: '' }));
        sources.set(f.scriptId, scriptSource.split('\n'));
      }
      f.source = sources.get(f.scriptId)?.[f.line]?.trim().slice(0, 110);
    }
    return { ...folded, inclusive: inclusiveOf(profile), profile };
  } finally {
    ws.close();
  }
}

function fold(profile: Profile): { totalMs: number; hot: HotFunction[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // Each sample's time is the delta to the next one.
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i + 1] ?? 0));
  }
  const totals = new Map<string, { us: number; name: string; where: string; scriptId: string; line: number }>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame || frame.functionName === '(idle)' || frame.functionName === '(program)') continue;
    busy += us;
    const where = `${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber + 1}`;
    const key = `${frame.functionName}@${where}`;
    const entry = totals.get(key) ?? { us: 0, name: frame.functionName || '(anonymous)', where, scriptId: frame.scriptId, line: frame.lineNumber };
    entry.us += us;
    totals.set(key, entry);
  }
  const hot = [...totals.values()]
    .sort((a, b) => b.us - a.us)
    .map((e) => ({ selfMs: e.us / 1000, share: busy ? e.us / busy : 0, name: e.name, where: e.where, scriptId: e.scriptId, line: e.line }));
  return { totalMs: busy / 1000, hot };
}

/**
 * Time per function with its callees: a native call (an RPC to a Durable Object, a D1 batch, a
 * stream write) shows as the self time of its JS caller or of an unnamed frame, so the cost
 * of a whole step (admission, starting the object, settling) is read from here.
 */
function inclusiveOf(profile: Profile): InclusiveFunction[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const frameKey = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'}@${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}:${n.callFrame.columnNumber + 1}`;
  const totals = new Map<string, { us: number; name: string; where: string }>();
  let busy = 0;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const leaf = byId.get(samples[i] ?? 0);
    const us = deltas[i + 1] ?? 0;
    if (!leaf || leaf.callFrame.functionName === '(idle)' || leaf.callFrame.functionName === '(program)') continue;
    busy += us;
    const seen = new Set<string>();
    for (let node: ProfileNode | undefined = leaf; node && node.callFrame.functionName !== '(root)'; node = byId.get(parent.get(node.id) ?? -1)) {
      const key = frameKey(node);
      if (seen.has(key)) continue;
      seen.add(key);
      const entry = totals.get(key) ?? { us: 0, name: node.callFrame.functionName || '(anonymous)', where: key.slice(key.indexOf('@') + 1) };
      entry.us += us;
      totals.set(key, entry);
    }
  }
  return [...totals.values()].sort((a, b) => b.us - a.us).map((e) => ({ totalMs: e.us / 1000, share: busy ? e.us / busy : 0, name: e.name, where: e.where }));
}
