import { forwardToWorker } from '@/lib/bff';

// Every answer depends on the session: never cache or prerender.
export const dynamic = 'force-dynamic';

// The event stream (`/api/ai/stream`) is answered by middleware.ts; this is every other call.
const handle = (request: Request) => forwardToWorker(request);

export { handle as GET, handle as HEAD, handle as POST, handle as PUT, handle as PATCH, handle as DELETE, handle as OPTIONS };
