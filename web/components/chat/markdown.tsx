'use client';

import { memo, useRef, type ComponentProps, type ReactNode } from 'react';
import ReactMarkdown, { type Components } from 'react-markdown';
import rehypeHighlight from 'rehype-highlight';
import remarkGfm from 'remark-gfm';
import { useT } from '@/lib/i18n/use-t';
import { CopyButton } from './copy-button';

/** The language of a fenced block, from the `language-xyz` class remark gives its `<code>`. */
function languageOf(children: ReactNode): string | null {
  const code = Array.isArray(children) ? children[0] : children;
  if (typeof code !== 'object' || code === null || !('props' in code)) return null;
  const className = (code.props as { className?: unknown }).className;
  const match = typeof className === 'string' ? /(?:^|\s)language-([\w+#-]+)/.exec(className) : null;
  return match?.[1] ?? null;
}

/** A fenced code block: its language and a copy button above it, the code scrolling sideways inside. */
function CodeBlock({ children }: { children?: ReactNode }) {
  const t = useT();
  const pre = useRef<HTMLPreElement>(null);
  const language = languageOf(children);
  return (
    <figure className="code-block my-3 min-w-0 overflow-hidden rounded-md" data-testid="code-block">
      <figcaption className="flex items-center justify-between gap-2 pl-3 text-xs">
        <span data-testid="code-language">{language ?? t('copy.code')}</span>
        <CopyButton text={() => pre.current?.textContent ?? ''} label={t('copy.codeLabel', { language: language ?? t('copy.code') })} className="code-block-copy" />
      </figcaption>
      {/* Focusable: a block wider than the bubble scrolls, and the keyboard must reach it too. */}
      <pre ref={pre} tabIndex={0}>
        {children}
      </pre>
    </figure>
  );
}

type HeadingProps = ComponentProps<'h1'> & { node?: unknown };

/**
 * The answer's own headings sit under the page's (h1) and the message's (h3), so they start
 * at h4; their look still follows the level the model wrote.
 */
function heading(Tag: 'h4' | 'h5' | 'h6', className: string) {
  return function Heading({ node: _node, ...props }: HeadingProps) {
    return <Tag className={className} {...props} />;
  };
}

/**
 * An image in an answer is a link to it, never an `<img>`: a fetched image would tell its host
 * that (and, through its URL, what) the user is reading, the channel a prompt injection uses to
 * carry a conversation off; and an SVG never runs. The page's img-src backs this up.
 */
function ImageLink({ src, alt }: { src?: string | Blob; alt?: string }) {
  if (typeof src !== 'string' || src === '') return alt ? <span>{alt}</span> : null;
  return (
    <a href={src} target="_blank" rel="noopener noreferrer" title={src} data-testid="markdown-image-link">
      {alt || src}
    </a>
  );
}

const COMPONENTS: Components = {
  a: ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noopener noreferrer" />,
  img: ({ src, alt }) => <ImageLink src={src} alt={alt} />,
  pre: ({ children }) => <CodeBlock>{children}</CodeBlock>,
  h1: heading('h4', 'md-h1'),
  h2: heading('h4', 'md-h2'),
  h3: heading('h5', 'md-h3'),
  h4: heading('h6', 'md-h4'),
  h5: heading('h6', 'md-h4'),
  h6: heading('h6', 'md-h4'),
  table: ({ node: _node, ...props }) => (
    <div className="md-table" tabIndex={0}>
      <table {...props} />
    </div>
  ),
};

/**
 * An answer rendered as Markdown (GFM tables, lists, code highlighted, images as links). Raw
 * HTML in the text stays text: react-markdown does not render it without rehype-raw.
 */
export const Markdown = memo(function Markdown({ text }: { text: string }) {
  return (
    <div className="markdown min-w-0 break-words leading-relaxed">
      <ReactMarkdown remarkPlugins={[remarkGfm]} rehypePlugins={[[rehypeHighlight, { detect: true, ignoreMissing: true }]]} components={COMPONENTS}>
        {text}
      </ReactMarkdown>
    </div>
  );
});
