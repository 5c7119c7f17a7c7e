import { pageTitle } from '@/lib/i18n/metadata';

export const generateMetadata = pageTitle('chat.title');

/** A new chat: the chat itself is the layout's. */
export default function NewChatPage() {
  return null;
}
