/**
 * The reference Worker of the bench: the least a Worker hop can do for a stream. It forwards
 * the request to the upstream (the fake OpenAI) and answers with the upstream's response,
 * body untouched, so the bench can read every other path's cost as a multiple of what any
 * Worker in this runtime, on this machine, costs. No auth, no policy, no parsing: that is
 * the point. Bench code only; it is never deployed.
 */
type Env = { UPSTREAM_ORIGIN: string };

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    const headers = new Headers(request.headers);
    headers.delete('host');
    const upstream = await fetch(new URL(url.pathname + url.search, env.UPSTREAM_ORIGIN), {
      method: request.method,
      headers,
      body: request.body,
      signal: request.signal,
    });
    return new Response(upstream.body, { status: upstream.status, headers: upstream.headers });
  },
};
