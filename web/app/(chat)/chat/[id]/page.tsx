import { pageTitle } from '@/lib/i18n/metadata';

export const generateMetadata = pageTitle('chat.title');

/** One conversation (`/chat/<id>`): the chat itself is the layout's, which reads the id from the URL. */
export default function ConversationPage() {
  return null;
}
