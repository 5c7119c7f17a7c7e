import type { Metadata, Viewport } from 'next';
import { headers } from 'next/headers';
import type { ReactNode } from 'react';
import { NONCE_HEADER } from '@/lib/security-headers';
import './globals.css';

export const metadata: Metadata = { title: 'Edge Chat', description: 'AI chat at the edge' };
// viewport-fit=cover: the page reaches under a phone's notch and home bar, and the
// layouts pad themselves with env(safe-area-inset-*).
export const viewport: Viewport = { width: 'device-width', initialScale: 1, viewportFit: 'cover' };

// The theme and language are applied from their cookies before first paint by this script;
// the route-group layouts read the same cookies for the server-rendered text. It runs under
// the page's Content-Security-Policy with the request's nonce (middleware.ts), so every page
// renders per request: a prerendered page's scripts would carry no nonce and not run.
const APPLY_PREFERENCES = `(function(){var c=document.cookie,d=document.documentElement;if(/(?:^|; )theme=dark(?:;|$)/.test(c))d.classList.add('dark');var l=/(?:^|; )locale=(en|ko)(?:;|$)/.exec(c);if(l)d.lang=l[1];})();`;

export default async function RootLayout({ children }: { children: ReactNode }) {
  const nonce = (await headers()).get(NONCE_HEADER) ?? undefined;
  return (
    <html lang="ko" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: APPLY_PREFERENCES }} />
      </head>
      <body className="min-h-dvh antialiased">{children}</body>
    </html>
  );
}
