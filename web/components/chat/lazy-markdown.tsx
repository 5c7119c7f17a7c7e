'use client';

import { useEffect, useState } from 'react';

type MarkdownModule = typeof import('./markdown');

// The Markdown renderer (react-markdown, GFM, highlight.js) is most of the chat page's
// JavaScript, so it is fetched after the page rather than with it: the import starts as soon
// as this module runs in the browser. Until it arrives an answer shows as plain text. No
// Suspense: a streaming answer re-renders per token and must never wait on a fallback.
let loaded: MarkdownModule | null = null;
const loading: Promise<MarkdownModule> | null =
  typeof window === 'undefined'
    ? null
    : import('./markdown').then((module) => {
        loaded = module;
        return module;
      });

export function LazyMarkdown({ text }: { text: string }) {
  const [module, setModule] = useState<MarkdownModule | null>(loaded);
  useEffect(() => {
    if (module || !loading) return;
    let live = true;
    void loading.then((m) => live && setModule(m));
    return () => {
      live = false;
    };
  }, [module]);
  if (!module) return <p className="whitespace-pre-wrap break-words leading-relaxed">{text}</p>;
  return <module.Markdown text={text} />;
}
