'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ErrorMessage } from '@/components/error-message';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { LinkButton } from '@/components/ui/link-button';
import { TableHead } from '@/components/ui/table-head';
import { api } from '@/lib/api';
import { toDisplayError } from '@/lib/errors';
import { formatDate, formatDateTime, formatKrw } from '@/lib/format';
import type { MessageKey } from '@/lib/i18n/messages';
import { useT } from '@/lib/i18n/use-t';
import { renews } from '@/lib/billing-state';
import type { Payment, Subscription } from '@chat/contract/api';
import { usePreferences } from '@/lib/stores/preferences';

const PAYMENT_STATUS: Record<string, MessageKey> = {
  DONE: 'billing.payment.DONE',
  WAITING_FOR_DEPOSIT: 'billing.payment.WAITING_FOR_DEPOSIT',
  CANCELED: 'billing.payment.CANCELED',
  PARTIAL_CANCELED: 'billing.payment.PARTIAL_CANCELED',
  ABORTED: 'billing.payment.ABORTED',
  EXPIRED: 'billing.payment.EXPIRED',
};

function SubscriptionCard({ subscription }: { subscription: Subscription }) {
  const t = useT();
  const locale = usePreferences((s) => s.locale);
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const cancel = useMutation({
    mutationFn: api.cancelSubscription,
    onSuccess: (state) => {
      queryClient.setQueryData(['subscription'], state);
      setConfirming(false);
    },
  });
  const periodEnd = formatDate(locale, subscription.currentPeriodEnd);
  const renewing = subscription.status !== 'canceled' && !subscription.cancelAtPeriodEnd;

  return (
    <Card data-testid="subscription">
      <CardHeader>
        <CardTitle>{t('billing.subscription')}</CardTitle>
      </CardHeader>
      <CardContent className="space-y-4">
        <dl className="grid grid-cols-[10rem_1fr] gap-y-2 text-sm">
          <dt className="text-muted-foreground">{t('billing.state')}</dt>
          <dd data-testid="subscription-status">
            {subscription.cancelAtPeriodEnd && subscription.status !== 'canceled' ? t('billing.endsAt', { date: periodEnd }) : t(`billing.status.${subscription.status}`)}
          </dd>
          {subscription.cardNumber && (
            <>
              <dt className="text-muted-foreground">{t('billing.card')}</dt>
              <dd className="font-mono">{subscription.cardNumber}</dd>
            </>
          )}
          <dt className="text-muted-foreground">{t('billing.periodEnd')}</dt>
          <dd>{periodEnd}</dd>
          {renewing && subscription.nextChargeAt && (
            <>
              <dt className="text-muted-foreground">{t('billing.nextCharge')}</dt>
              <dd data-testid="next-charge">{formatDateTime(locale, subscription.nextChargeAt)}</dd>
            </>
          )}
          {subscription.lastError && (
            <>
              <dt className="text-muted-foreground">{t('billing.lastError')}</dt>
              <dd>{subscription.lastError}</dd>
            </>
          )}
        </dl>
        {renewing && (
          <Button variant="outline" onClick={() => setConfirming(true)}>
            {t('billing.cancel')}
          </Button>
        )}
        {confirming && (
          <ConfirmDialog
            title={t('billing.cancelTitle')}
            body={t('billing.cancelBody', { date: periodEnd })}
            confirmLabel={t('billing.cancelConfirm')}
            cancelLabel={t('billing.keep')}
            onConfirm={() => cancel.mutate()}
            onClose={() => setConfirming(false)}
            pending={cancel.isPending}
            holdWhilePending
            error={cancel.error && toDisplayError(cancel.error)}
          />
        )}
      </CardContent>
    </Card>
  );
}

function PaymentRow({ payment }: { payment: Payment }) {
  const t = useT();
  const locale = usePreferences((s) => s.locale);
  const account = payment.virtualAccount;
  const status = PAYMENT_STATUS[payment.status];
  return (
    <tr className="border-b last:border-0" data-testid="payment-row">
      <td className="py-2 pr-3">{payment.approvedAt ? formatDateTime(locale, payment.approvedAt) : '—'}</td>
      <td className="py-2 pr-3">
        {payment.orderName}
        <span className="block text-xs text-muted-foreground">{t(`billing.kind.${payment.kind}`)}</span>
      </td>
      <td className="py-2 pr-3">{payment.method ?? '—'}</td>
      <td className="py-2 pr-3 text-right tabular-nums">{formatKrw(locale, payment.amount)}</td>
      <td className="py-2 pr-3">
        {status ? t(status) : payment.status}
        {payment.status === 'WAITING_FOR_DEPOSIT' && account && (
          <span className="block text-xs text-muted-foreground">{t('billing.deposit', { bank: account.bankCode, account: account.accountNumber, due: formatDateTime(locale, account.dueDate) })}</span>
        )}
      </td>
      <td className="py-2">
        {payment.receiptUrl ? (
          <a className="underline" href={payment.receiptUrl} target="_blank" rel="noreferrer">
            {t('billing.receipt')}
          </a>
        ) : (
          '—'
        )}
      </td>
    </tr>
  );
}

/** The plan in force, the subscription with its next charge and cancel, and every payment with its receipt. */
export function BillingPanel() {
  const t = useT();
  const locale = usePreferences((s) => s.locale);
  const state = useQuery({ queryKey: ['subscription'], queryFn: api.subscription });
  const payments = useQuery({ queryKey: ['payments'], queryFn: api.payments });
  const error = state.error ?? payments.error;

  return (
    <div className="mx-auto max-w-4xl space-y-6 p-4 md:p-6">
      <h1 className="text-2xl font-semibold">{t('billing.title')}</h1>
      {error && <ErrorMessage error={toDisplayError(error)} />}
      {state.data && (
        <Card>
          <CardHeader>
            <CardTitle>{t('billing.plan')}</CardTitle>
          </CardHeader>
          <CardContent className="flex items-center justify-between gap-4">
            <p>
              <span className="text-lg font-semibold" data-testid="billing-plan">{state.data.plan.name}</span>{' '}
              <span className="text-sm text-muted-foreground">
                {renews(state.data) ? t('billing.renews') : state.data.plan.expiresAt ? t('plans.until', { date: formatDate(locale, state.data.plan.expiresAt) }) : t('billing.noEnd')}
              </span>
            </p>
            <LinkButton href="/plans" variant="outline">
              {t('billing.changePlan')}
            </LinkButton>
          </CardContent>
        </Card>
      )}
      {state.data && (state.data.subscription ? <SubscriptionCard subscription={state.data.subscription} /> : <p className="text-sm text-muted-foreground">{t('billing.noSubscription')}</p>)}
      <Card>
        <CardHeader>
          <CardTitle>{t('billing.history')}</CardTitle>
        </CardHeader>
        <CardContent className="overflow-x-auto" tabIndex={0}>
          {payments.data && payments.data.payments.length === 0 && <p className="text-sm text-muted-foreground">{t('billing.noPayments')}</p>}
          {payments.data && payments.data.payments.length > 0 && (
            <table className="w-full text-sm">
              <TableHead
                columns={[
                  { label: t('billing.date') },
                  { label: t('billing.item') },
                  { label: t('billing.method') },
                  { label: t('billing.amount'), numeric: true },
                  { label: t('billing.state') },
                  { label: t('billing.receipt') },
                ]}
              />
              <tbody>
                {payments.data.payments.map((payment) => (
                  <PaymentRow key={payment.paymentKey} payment={payment} />
                ))}
              </tbody>
            </table>
          )}
        </CardContent>
      </Card>
    </div>
  );
}
