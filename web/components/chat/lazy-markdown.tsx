import { lazy, Suspense } from 'react';

// The Markdown renderer (react-markdown, GFM, highlight.js) is most of the chat page's
// JavaScript. Loading it after the page keeps the first load small; until it arrives an
// answer shows as plain text, so nothing waits for it.
const Markdown = lazy(() => import('./markdown').then((module) => ({ default: module.Markdown })));

export function LazyMarkdown({ text }: { text: string }) {
  return (
    <Suspense fallback={<p className="whitespace-pre-wrap break-words leading-relaxed">{text}</p>}>
      <Markdown text={text} />
    </Suspense>
  );
}
