import { forwardToWorker } from '@/lib/bff';

// Every answer depends on the session: never cache or prerender.
export const dynamic = 'force-dynamic';

// `next dev` only: the built app's Worker entry (worker.ts) answers every /api/* call with the
// same BFF before Next sees it, so there uploads stream too.
const handle = (request: Request) => forwardToWorker(request);

export { handle as GET, handle as HEAD, handle as POST, handle as PUT, handle as PATCH, handle as DELETE, handle as OPTIONS };
