import type { ReactNode } from 'react';
import { ChatApp } from '@/components/chat/chat-app';

/**
 * The chat stays mounted while its URL moves between `/chat` and `/chat/[id]`, so an answer
 * being written goes on on screen when the Worker names its new conversation; the pages
 * themselves only give the title.
 */
export default function ChatLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <ChatApp />
      {children}
    </>
  );
}
