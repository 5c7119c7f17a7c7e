'use client';

import { useQuery } from '@tanstack/react-query';
import { Search } from 'lucide-react';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import type { SearchMatch } from '@chat/contract/api';
import { ErrorMessage } from '@/components/error-message';
import { Input } from '@/components/ui/input';
import { api } from '@/lib/api';
import { conversationPath } from '@/lib/conversation-path';
import { toDisplayError } from '@/lib/errors';
import { useT } from '@/lib/i18n/use-t';
import { cn } from '@/lib/utils';

/** How long typing pauses before a search goes out, so each keystroke is not a request. */
const SEARCH_DELAY_MS = 250;

function Snippet({ snippet }: { snippet: SearchMatch['snippet'] }) {
  return (
    <span className="line-clamp-2 text-xs text-muted-foreground">
      {snippet.map((part, i) =>
        part.match ? (
          <mark key={i} className="rounded-sm bg-yellow-200 px-0.5 text-foreground dark:bg-yellow-700">
            {part.text}
          </mark>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </span>
  );
}

/**
 * The sidebar's search: titles and messages of the user's conversations, with the matching
 * text highlighted; each result is a link to its conversation. The box carries the attribute
 * the search shortcut focuses (`focusConversationList`).
 */
export function ConversationSearch({ disabled }: { disabled: boolean }) {
  const t = useT();
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setQ(text.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text]);
  const results = useQuery({ queryKey: ['conversations', 'search', q], queryFn: () => api.searchConversations(q), enabled: q.length > 0 });
  const items = results.data?.items ?? [];

  return (
    <div className="space-y-2 px-3 pb-2">
      <div className="relative">
        <Search aria-hidden className="pointer-events-none absolute left-2.5 top-1/2 size-4 -translate-y-1/2 text-muted-foreground" />
        <Input
          type="search"
          data-conversation-search=""
          aria-label={t('search.label')}
          placeholder={t('search.placeholder')}
          className="pl-8"
          value={text}
          maxLength={200}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => e.key === 'Escape' && setText('')}
        />
      </div>
      {q && (
        <div role="region" aria-label={t('search.results')} aria-busy={results.isFetching}>
          {results.error && <ErrorMessage error={toDisplayError(results.error)} />}
          {results.isSuccess && items.length === 0 && <p className="px-1 text-sm text-muted-foreground">{t('search.none')}</p>}
          <ul className="space-y-1" data-testid="search-results">
            {items.map((c) => (
              <li key={c.id}>
                <Link
                  href={conversationPath(c.id)}
                  aria-disabled={disabled || undefined}
                  className={cn('flex min-h-11 w-full flex-col justify-center gap-0.5 rounded-md px-2 py-1.5 text-left hover:bg-accent focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring md:min-h-9', disabled && 'pointer-events-none opacity-50')}
                  onClick={() => setText('')}
                >
                  <span className="truncate text-sm">{c.title}</span>
                  {c.match && c.match.messageId !== null && <Snippet snippet={c.match.snippet} />}
                </Link>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
