import { accessTokens, type AccessClaims } from './token';
import { workerApi } from './worker';

/**
 * Whether conversation `id` is one the Worker shows this user: false only when it answers
 * 404 (missing, deleted, or someone else's), so a `/chat/<id>` page can be a real 404. Any
 * other failure is left to the chat itself, which reads the conversation and shows the error.
 * One Worker call, for the smallest page (one message).
 *
 * @example if (!(await conversationVisible(session.claims, id))) notFound();
 */
export async function conversationVisible(claims: AccessClaims, id: string): Promise<boolean> {
  const token = await accessTokens().tokenFor(claims);
  const { response } = await workerApi(token).GET('/conversations/{id}', { params: { path: { id }, query: { limit: 1 } } });
  return response.status !== 404;
}
