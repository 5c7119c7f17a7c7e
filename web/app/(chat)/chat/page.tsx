import { ChatApp } from '@/components/chat/chat-app';

export const runtime = 'edge';

export default function ChatPage() {
  return <ChatApp />;
}
