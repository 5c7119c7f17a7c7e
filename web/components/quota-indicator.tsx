'use client';

import { useQuery } from '@tanstack/react-query';
import { Gauge } from 'lucide-react';
import { api } from '@/lib/api';
import { useT } from '@/lib/i18n/use-t';
import { usePreferences } from '@/lib/stores/preferences';
import { cn } from '@/lib/utils';

/** Today's remaining tokens, from `/api/me`; re-read after every answer. */
export function QuotaIndicator() {
  const t = useT();
  const locale = usePreferences((s) => s.locale);
  const { data } = useQuery({ queryKey: ['me'], queryFn: api.me });
  if (!data) return null;
  const { remaining, limit } = data.quota.daily;
  const format = new Intl.NumberFormat(locale);
  const low = remaining <= limit * 0.1;
  return (
    <div className={cn('flex items-center gap-1.5 text-sm', low ? 'text-destructive' : 'text-muted-foreground')} data-testid="quota-indicator">
      <Gauge className="size-4" aria-hidden />
      <span className="sr-only">{t('quota.label')}:</span>
      <span title={t('quota.label')}>{t('quota.remaining', { remaining: format.format(Math.max(0, remaining)), limit: format.format(limit) })}</span>
    </div>
  );
}
