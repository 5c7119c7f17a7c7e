import { notFound } from 'next/navigation';
import { conversationVisible } from '@/lib/conversation-access';
import { pageTitle } from '@/lib/i18n/metadata';
import { auth } from '@/lib/next-auth';

export const generateMetadata = pageTitle('chat.title');

/**
 * One conversation (`/chat/<id>`): the chat itself is the layout's, which reads the id from
 * the URL and stays mounted from one conversation to the next. Here the server only asks the
 * Worker whether the conversation is the user's, so a deep link to one that is not answers
 * with a real 404 status, not the not-found page under a 200.
 */
export default async function ConversationPage({ params }: { params: Promise<{ id: string }> }) {
  const [{ id }, session] = await Promise.all([params, auth()]);
  // The group's layout has already sent anyone signed out to the login.
  if (session?.claims && !(await conversationVisible(session.claims, id))) notFound();
  return null;
}
