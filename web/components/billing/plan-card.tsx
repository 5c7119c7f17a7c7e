'use client';

import { Check } from 'lucide-react';
import type { ReactNode } from 'react';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { formatDate, formatKrw, formatNumber } from '@/lib/format';
import { useT } from '@/lib/i18n/use-t';
import type { Plan } from '@chat/contract/api';
import { usePreferences } from '@/lib/stores/preferences';

/** One plan: price and limits; `current` marks the user's own. */
export function PlanCard({ plan, current, expiresAt, children }: { plan: Plan; current?: boolean; expiresAt?: string | null; children?: ReactNode }) {
  const t = useT();
  const locale = usePreferences((s) => s.locale);
  const n = (value: number) => formatNumber(locale, value);
  return (
    <Card data-testid={`plan-${plan.id}`} className={current ? 'border-primary' : undefined}>
      <CardHeader>
        <CardTitle className="flex items-center justify-between gap-2">
          {plan.name}
          {current && (
            <span className="rounded-full bg-primary px-2 py-0.5 text-xs font-medium text-primary-foreground" data-testid="current-plan">
              {t('plans.current')}
            </span>
          )}
        </CardTitle>
        <CardDescription className="text-lg font-semibold text-foreground">
          {plan.priceKrw === 0 ? t('plans.free') : t('plans.perMonth', { price: formatKrw(locale, plan.priceKrw) })}
        </CardDescription>
        {current && expiresAt && <p className="text-xs text-muted-foreground">{t('plans.until', { date: formatDate(locale, expiresAt) })}</p>}
      </CardHeader>
      <CardContent className="space-y-4">
        <ul className="space-y-1.5 text-sm">
          {[
            t('plans.dailyTokens', { tokens: n(plan.dailyTokenQuota) }),
            t('plans.monthlyTokens', { tokens: n(plan.monthlyTokenQuota) }),
            t('plans.maxTokens', { tokens: n(plan.maxTokensPerRequest) }),
            t.plural('plans.streams', plan.concurrentStreams),
            plan.models.join(', '),
          ].map((line) => (
            <li key={line} className="flex gap-2">
              <Check className="mt-0.5 size-4 shrink-0 text-primary" aria-hidden />
              {line}
            </li>
          ))}
        </ul>
        {children}
      </CardContent>
    </Card>
  );
}
