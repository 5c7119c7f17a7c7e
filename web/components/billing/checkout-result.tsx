'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, type ReactNode } from 'react';
import { ErrorMessage } from '@/components/error-message';
import { Alert } from '@/components/ui/alert';
import { Card, CardContent, CardHeader } from '@/components/ui/card';
import { LinkButton } from '@/components/ui/link-button';
import { api } from '@/lib/api';
import { toDisplayError } from '@/lib/errors';
import { formatDate, formatDateTime, formatKrw } from '@/lib/format';
import { isKnownPaymentFailure, paymentFailureMessage } from '@/lib/payment-failure';
import { useT } from '@/lib/i18n/use-t';
import { usePreferences } from '@/lib/stores/preferences';

/**
 * Runs a billing call exactly once per set of query parameters: as a query with an infinite
 * stale time, a remount or a second render reuses the answer instead of calling again (the
 * Worker is idempotent too, so a reload is safe). Afterwards the plan and quota are re-read.
 */
function useOnce<T>(key: readonly unknown[], call: () => Promise<T>) {
  const queryClient = useQueryClient();
  const result = useQuery({ queryKey: key, queryFn: call, staleTime: Infinity, gcTime: Infinity, retry: false, refetchOnWindowFocus: false, refetchOnReconnect: false });
  useEffect(() => {
    if (!result.isSuccess) return;
    for (const stale of [['me'], ['subscription'], ['payments'], ['models']]) void queryClient.invalidateQueries({ queryKey: stale });
  }, [result.isSuccess, queryClient]);
  return result;
}

function Frame({ title, children }: { title: string; children: ReactNode }) {
  const t = useT();
  return (
    <div className="mx-auto max-w-xl space-y-6 p-4 md:p-6">
      <Card>
        <CardHeader>
          <h1 className="text-xl font-semibold leading-none tracking-tight">{title}</h1>
        </CardHeader>
        <CardContent className="space-y-4">{children}</CardContent>
      </Card>
      <div className="flex flex-wrap gap-2">
        <LinkButton href="/billing" variant="outline">
          {t('checkout.toBilling')}
        </LinkButton>
        <LinkButton href="/chat">{t('checkout.toChat')}</LinkButton>
      </div>
    </div>
  );
}

/** A refused payment (a declined card, a failed registration) is not the end: back to the plans for another try. */
function RetryPayment() {
  const t = useT();
  return (
    <div className="space-y-2">
      <p className="text-sm text-muted-foreground">{t('checkout.retryHint')}</p>
      <LinkButton href="/plans" data-testid="retry-payment">
        {t('checkout.retry')}
      </LinkButton>
    </div>
  );
}

/** Toss's success redirect of a one-time payment: confirm it with the Worker, then say what the user got. */
export function PaymentResult({ payment }: { payment: { paymentKey: string; orderId: string; amount: number } | null }) {
  const t = useT();
  const locale = usePreferences((s) => s.locale);
  const confirm = useOnce(['confirm', payment], () => (payment ? api.confirmPayment(payment) : Promise.reject(new Error('missing'))));

  if (!payment) return <Frame title={t('checkout.failedTitle')}><Alert>{t('checkout.missing')}</Alert></Frame>;
  if (confirm.isPending) return <Frame title={t('checkout.confirming')}><p className="text-muted-foreground" role="status">{t('checkout.confirming')}</p></Frame>;
  if (confirm.isError) {
    return (
      <Frame title={t('checkout.failedTitle')}>
        <ErrorMessage error={toDisplayError(confirm.error)} />
        <RetryPayment />
      </Frame>
    );
  }

  const { payment: paid, plan } = confirm.data;
  if (paid.status === 'WAITING_FOR_DEPOSIT' && paid.virtualAccount) {
    return (
      <Frame title={t('checkout.waitingTitle')}>
        <p data-testid="checkout-waiting">{t('checkout.waitingBody', { amount: formatKrw(locale, paid.amount), due: formatDateTime(locale, paid.virtualAccount.dueDate), plan: paid.orderName })}</p>
        <dl className="grid grid-cols-[8rem_1fr] gap-y-2 text-sm">
          <dt className="text-muted-foreground">{t('checkout.bank')}</dt>
          <dd>{paid.virtualAccount.bankCode}</dd>
          <dt className="text-muted-foreground">{t('checkout.account')}</dt>
          <dd className="font-mono" data-testid="virtual-account">{paid.virtualAccount.accountNumber}</dd>
        </dl>
      </Frame>
    );
  }
  return (
    <Frame title={t('checkout.doneTitle')}>
      <p data-testid="checkout-done">{t('checkout.activeUntil', { plan: plan.name, date: plan.expiresAt ? formatDate(locale, plan.expiresAt) : t('billing.noEnd') })}</p>
      {paid.receiptUrl && (
        <a className="text-sm underline" href={paid.receiptUrl} target="_blank" rel="noreferrer">
          {t('billing.receipt')}
        </a>
      )}
    </Frame>
  );
}

/** Toss's success redirect of a card registration: issue the billing key, charge the first month, start the subscription. */
export function SubscriptionResult({ registration }: { registration: { authKey: string; customerKey: string; planId: string } | null }) {
  const t = useT();
  const locale = usePreferences((s) => s.locale);
  const start = useOnce(['billing-key', registration], () => (registration ? api.startSubscription(registration) : Promise.reject(new Error('missing'))));

  if (!registration) return <Frame title={t('checkout.failedTitle')}><Alert>{t('checkout.missing')}</Alert></Frame>;
  if (start.isPending) return <Frame title={t('checkout.subscribing')}><p className="text-muted-foreground" role="status">{t('checkout.subscribing')}</p></Frame>;
  if (start.isError) {
    return (
      <Frame title={t('checkout.failedTitle')}>
        <ErrorMessage error={toDisplayError(start.error)} />
        <RetryPayment />
      </Frame>
    );
  }

  const { subscription, plan } = start.data;
  const next = subscription?.nextChargeAt ?? subscription?.currentPeriodEnd;
  return (
    <Frame title={t('checkout.subscribedTitle')}>
      <p data-testid="checkout-subscribed">{t('checkout.subscribedBody', { plan: plan.name, date: next ? formatDate(locale, next) : '—' })}</p>
    </Frame>
  );
}

/** Toss's fail redirect: a code we know, told in the user's language (the link's own words are never shown). */
export function PaymentFailure({ code }: { code: string | null }) {
  const t = useT();
  const known = isKnownPaymentFailure(code);
  return (
    <div className="mx-auto max-w-xl space-y-6 p-4 md:p-6">
      <Alert variant="destructive" data-error-code={known ? code : undefined}>
        <h1 className="font-medium">{t('checkout.failedTitle')}</h1>
        <p data-testid="fail-message">{t(paymentFailureMessage(code))}</p>
        {known && <p className="font-mono text-xs opacity-80">{t('checkout.code', { code })}</p>}
      </Alert>
      <RetryPayment />
    </div>
  );
}
