'use client';

import { Check, Copy } from 'lucide-react';
import { useEffect, useState } from 'react';
import { Button } from '@/components/ui/button';
import { useT } from '@/lib/i18n/use-t';
import { cn } from '@/lib/utils';

/** How long "copied" stays on the button after a copy. */
const CONFIRM_MS = 2000;

/** Copies what `text()` returns to the clipboard; the button says so for a moment, also to screen readers. */
export function CopyButton({ text, label, className }: { text: () => string; label: string; className?: string }) {
  const t = useT();
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), CONFIRM_MS);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <Button
      type="button"
      variant="ghost"
      size="sm"
      className={cn('gap-1.5 px-2', className)}
      aria-label={copied ? t('copy.done') : label}
      onClick={() => {
        void navigator.clipboard.writeText(text()).then(
          () => setCopied(true),
          () => setCopied(false),
        );
      }}
    >
      {copied ? <Check aria-hidden /> : <Copy aria-hidden />}
      <span aria-hidden>{copied ? t('copy.done') : t('copy.copy')}</span>
    </Button>
  );
}
