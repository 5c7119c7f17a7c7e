'use client';

import { useState } from 'react';
import { ErrorMessage } from '@/components/error-message';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { api } from '@/lib/api';
import { toDisplayError, type DisplayError } from '@/lib/errors';
import { formatKrw } from '@/lib/format';
import { useT } from '@/lib/i18n/use-t';
import type { Plan, Profile } from '@chat/contract/api';
import { usePreferences } from '@/lib/stores/preferences';
import { openBillingAuthWindow, openPaymentWindow, PAYMENT_METHODS, type PaymentMethod } from '@/lib/toss';
import type { TossConfig } from '@/lib/toss-config';

const METHOD_LABEL = { card: 'plans.method.card', virtualAccount: 'plans.method.virtualAccount', easyPay: 'plans.method.easyPay' } as const;

/** The Toss SDK rejects with `{code, message}` (e.g. USER_CANCEL); show those like the Worker's errors. */
function windowError(err: unknown): DisplayError {
  if (err instanceof Error && 'code' in err && typeof err.code === 'string') return { code: err.code, message: err.message, traceId: '' };
  return toDisplayError(err);
}

/**
 * One month paid once (card, virtual account or easy pay), or a monthly subscription on a
 * registered card. The order is priced by the Worker; the browser only passes it to Toss.
 */
export function CheckoutDialog({ toss, plan, customer, onClose }: { toss: TossConfig; plan: Plan; customer: Profile; onClose: () => void }) {
  const t = useT();
  const locale = usePreferences((s) => s.locale);
  const [method, setMethod] = useState<PaymentMethod>('card');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<DisplayError | null>(null);
  const price = formatKrw(locale, plan.priceKrw);

  const run = async (open: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await open();
    } catch (err) {
      setError(windowError(err));
      setBusy(false);
    }
  };

  const payOnce = () => run(async () => openPaymentWindow(toss, await api.createOrder(plan.id), method, customer));
  const subscribe = () => run(() => openBillingAuthWindow(toss, customer.id, plan.id, customer));

  return (
    <Dialog open onOpenChange={(open) => !open && !busy && onClose()}>
      <DialogContent closeLabel={t('chat.cancel')}>
        <DialogHeader>
          <DialogTitle>{t('plans.checkoutTitle', { plan: plan.name })}</DialogTitle>
          <DialogDescription>{t('plans.checkoutBody')}</DialogDescription>
        </DialogHeader>
        <fieldset className="space-y-2" disabled={busy}>
          <legend className="mb-1 text-sm font-medium">{t('plans.method')}</legend>
          {PAYMENT_METHODS.map((value) => (
            <label key={value} className="flex items-center gap-2 text-sm">
              <input type="radio" name="method" value={value} checked={method === value} onChange={() => setMethod(value)} />
              {t(METHOD_LABEL[value])}
            </label>
          ))}
        </fieldset>
        {error && <ErrorMessage error={error} />}
        <div className="flex flex-col gap-2">
          <Button onClick={payOnce} disabled={busy} data-testid="pay-once">
            {busy ? t('plans.opening') : t('plans.buyOnce', { price })}
          </Button>
          <Button variant="outline" onClick={subscribe} disabled={busy} data-testid="subscribe">
            {t('plans.subscribe', { price })}
          </Button>
        </div>
      </DialogContent>
    </Dialog>
  );
}
