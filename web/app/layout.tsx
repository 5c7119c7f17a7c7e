import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = { title: 'Edge Chat', description: 'AI chat at the edge' };
// viewport-fit=cover: the page reaches under a phone's notch and home bar, and the
// layouts pad themselves with env(safe-area-inset-*).
export const viewport: Viewport = { width: 'device-width', initialScale: 1, viewportFit: 'cover' };

// Stays static (no cookies read here) so Next can prerender the 404 page. The theme and language are applied from their cookies before first paint by this
// script; the route-group layouts read the same cookies for the server-rendered text.
const APPLY_PREFERENCES = `(function(){var c=document.cookie,d=document.documentElement;if(/(?:^|; )theme=dark(?:;|$)/.test(c))d.classList.add('dark');var l=/(?:^|; )locale=(en|ko)(?:;|$)/.exec(c);if(l)d.lang=l[1];})();`;

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="ko" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: APPLY_PREFERENCES }} />
      </head>
      <body className="min-h-dvh antialiased">{children}</body>
    </html>
  );
}
