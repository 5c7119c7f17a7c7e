'use client';

import { useQuery } from '@tanstack/react-query';
import { Check } from 'lucide-react';
import { useState } from 'react';
import { ErrorMessage } from '@/components/error-message';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { api } from '@/lib/api';
import { renews } from '@/lib/billing-state';
import { toDisplayError } from '@/lib/errors';
import { formatDate, formatKrw, formatNumber } from '@/lib/format';
import { useT } from '@/lib/i18n/use-t';
import type { Plan } from '@chat/contract/api';
import { usePreferences } from '@/lib/stores/preferences';
import type { TossConfig } from '@/lib/toss-config';
import { CheckoutDialog } from './checkout-dialog';

function PlanCard({ plan, current, expiresAt, children }: { plan: Plan; current: boolean; expiresAt: string | null; children?: React.ReactNode }) {
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
            t('plans.streams', { count: plan.concurrentStreams }),
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

/** Plans for sale with their prices and limits, the current one marked, and checkout for the paid ones. */
export function PlansPanel({ toss }: { toss: TossConfig | null }) {
  const t = useT();
  const plans = useQuery({ queryKey: ['plans'], queryFn: api.plans });
  const me = useQuery({ queryKey: ['me'], queryFn: api.me });
  const billing = useQuery({ queryKey: ['subscription'], queryFn: api.subscription });
  const [buying, setBuying] = useState<Plan | null>(null);

  const error = plans.error ?? me.error ?? billing.error;
  const subscription = billing.data?.subscription;
  const subscribed = subscription !== undefined && subscription !== null && subscription.status !== 'canceled';

  return (
    <div className="mx-auto max-w-5xl space-y-6 overflow-y-auto p-6">
      <h1 className="text-2xl font-semibold">{t('plans.title')}</h1>
      {error && <ErrorMessage error={toDisplayError(error)} />}
      {!toss && <Alert>{t('plans.notConfigured')}</Alert>}
      {subscribed && <Alert>{t('plans.subscribed')}</Alert>}
      {(plans.isLoading || me.isLoading) && <p className="text-muted-foreground">{t('chat.loading')}</p>}
      {plans.data && me.data && (
        <div className="grid gap-4 md:grid-cols-3">
          {plans.data.plans.map((plan) => (
            <PlanCard key={plan.id} plan={plan} current={plan.id === me.data.plan.id} expiresAt={billing.data && !renews(billing.data) ? billing.data.plan.expiresAt : null}>
              {plan.priceKrw > 0 && (
                <Button className="w-full" disabled={!toss || subscribed} onClick={() => setBuying(plan)}>
                  {t('plans.choose', { plan: plan.name })}
                </Button>
              )}
            </PlanCard>
          ))}
        </div>
      )}
      {toss && me.data && buying && <CheckoutDialog toss={toss} plan={buying} customer={me.data} onClose={() => setBuying(null)} />}
    </div>
  );
}
