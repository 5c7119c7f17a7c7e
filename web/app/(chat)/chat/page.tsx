import { ChatApp } from '@/components/chat/chat-app';
import { pageTitle } from '@/lib/i18n/metadata';

export const generateMetadata = pageTitle('chat.title');

export default function ChatPage() {
  return <ChatApp />;
}
