'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorMessage } from '@/components/error-message';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { api } from '@/lib/api';
import { renews } from '@/lib/billing-state';
import { toDisplayError } from '@/lib/errors';
import { useT } from '@/lib/i18n/use-t';
import type { Plan } from '@chat/contract/api';
import type { TossConfig } from '@/lib/toss-config';
import { CheckoutDialog } from './checkout-dialog';
import { PlanCard } from './plan-card';

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
    <div className="mx-auto max-w-5xl space-y-6 p-4 md:p-6">
      <h1 className="text-2xl font-semibold">{t('plans.title')}</h1>
      {error && <ErrorMessage error={toDisplayError(error)} />}
      {!toss && <Alert>{t('plans.notConfigured')}</Alert>}
      {subscribed && <Alert>{t('plans.subscribed')}</Alert>}
      {(plans.isLoading || me.isLoading) && <p className="text-muted-foreground">{t('chat.loading')}</p>}
      {plans.data && me.data && (
        <div className="grid gap-4 md:grid-cols-3">
          {plans.data.plans.map((plan) => {
            const current = plan.id === me.data.plan.id;
            // The plan the user has is marked, not sold again; a paid month that will not renew
            // by itself can still be extended (another month, or a subscription).
            const inUse = current && (plan.priceKrw === 0 || subscribed);
            return (
              <PlanCard key={plan.id} plan={plan} current={current} expiresAt={billing.data && !renews(billing.data) ? billing.data.plan.expiresAt : null}>
                {inUse ? (
                  <Button className="w-full" variant="outline" disabled data-testid="plan-in-use">
                    {t('plans.inUse')}
                  </Button>
                ) : (
                  plan.priceKrw > 0 && (
                    <Button className="w-full" disabled={!toss || subscribed} onClick={() => setBuying(plan)}>
                      {t(current ? 'plans.extend' : 'plans.choose', { plan: plan.name })}
                    </Button>
                  )
                )}
              </PlanCard>
            );
          })}
        </div>
      )}
      {toss && me.data && buying && <CheckoutDialog toss={toss} plan={buying} customer={me.data} onClose={() => setBuying(null)} />}
    </div>
  );
}
