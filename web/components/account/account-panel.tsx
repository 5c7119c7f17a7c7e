'use client';

import { useQuery } from '@tanstack/react-query';
import { LogOut, MonitorX, SlidersHorizontal } from 'lucide-react';
import { useState } from 'react';
import { AuthForm } from '@/components/auth-form';
import { ErrorMessage } from '@/components/error-message';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { LinkButton } from '@/components/ui/link-button';
import { api } from '@/lib/api';
import { toDisplayError } from '@/lib/errors';
import { useT } from '@/lib/i18n/use-t';
import type { QuotaWindow } from '@chat/contract/api';
import { usePreferences } from '@/lib/stores/preferences';
import { DeleteAllConversations } from './delete-all-conversations';

function QuotaRow({ label, window, locale }: { label: string; window: QuotaWindow; locale: string }) {
  const t = useT();
  const format = new Intl.NumberFormat(locale);
  const when = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(window.resetAt));
  const used = Math.min(100, Math.round((window.used / Math.max(1, window.limit)) * 100));
  return (
    <div className="space-y-1.5">
      <div className="flex justify-between text-sm">
        <span className="font-medium">{label}</span>
        <span>{t('account.used', { used: format.format(window.used), limit: format.format(window.limit) })}</span>
      </div>
      <div role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={used} className="h-2 overflow-hidden rounded-full bg-muted">
        <div className="h-full bg-primary" style={{ width: `${used}%` }} />
      </div>
      <p className="text-xs text-muted-foreground">{t('account.resetsAt', { time: when })}</p>
    </div>
  );
}

/**
 * Ends every session of the account at the Worker, then this one: other devices and any copy
 * of the cookie are signed out at their next claims refresh. Submits the sign-out form it sits in.
 */
function SignOutEverywhere({ ready }: { ready: boolean }) {
  const t = useT();
  const [pending, setPending] = useState(false);
  const [failed, setFailed] = useState<unknown>(null);
  const signOutEverywhere = async (form: HTMLFormElement | null) => {
    setPending(true);
    setFailed(null);
    try {
      await api.endSessions();
      form?.requestSubmit();
    } catch (err) {
      setFailed(err);
      setPending(false);
    }
  };
  return (
    <>
      <Button type="button" variant="outline" disabled={!ready || pending} onClick={(e) => void signOutEverywhere(e.currentTarget.form)}>
        <MonitorX aria-hidden />
        {t('account.signOutEverywhere')}
      </Button>
      {failed !== null && <ErrorMessage error={toDisplayError(failed)} />}
    </>
  );
}

/** Profile, plan, quota windows with their reset times, custom instructions, deleting every conversation, and sign-out (here, or everywhere). */
export function AccountPanel() {
  const t = useT();
  const locale = usePreferences((s) => s.locale);
  const { data, error, isLoading } = useQuery({ queryKey: ['me'], queryFn: api.me });

  return (
    <div className="mx-auto max-w-2xl space-y-6 p-4 md:p-6">
      <h1 className="text-2xl font-semibold">{t('account.title')}</h1>
      {isLoading && <p className="text-muted-foreground">{t('chat.loading')}</p>}
      {error && <ErrorMessage error={toDisplayError(error)} />}
      {data && (
        <>
          <Card>
            <CardHeader>
              <CardTitle>{data.name ?? data.email ?? data.id}</CardTitle>
            </CardHeader>
            <CardContent>
              <dl className="grid grid-cols-[8rem_1fr] gap-y-2 text-sm">
                <dt className="text-muted-foreground">{t('account.email')}</dt>
                <dd>{data.email ?? '—'}</dd>
                <dt className="text-muted-foreground">{t('account.plan')}</dt>
                <dd data-testid="account-plan">{data.plan.name}</dd>
                <dt className="text-muted-foreground">{t('account.models')}</dt>
                <dd>{data.plan.models.join(', ')}</dd>
              </dl>
            </CardContent>
          </Card>
          <Card>
            <CardContent className="space-y-5 pt-6">
              <QuotaRow label={t('account.daily')} window={data.quota.daily} locale={locale} />
              <QuotaRow label={t('account.monthly')} window={data.quota.monthly} locale={locale} />
            </CardContent>
          </Card>
        </>
      )}
      <LinkButton href="/settings" variant="outline" icon={SlidersHorizontal}>
        {t('settings.link')}
      </LinkButton>
      <DeleteAllConversations />
      <AuthForm action="/api/auth/signout" callbackUrl="/">
        {(ready) => (
          <div className="space-y-3">
            <div className="flex flex-wrap gap-2">
              <Button type="submit" variant="outline" disabled={!ready}>
                <LogOut aria-hidden />
                {t('account.signOut')}
              </Button>
              <SignOutEverywhere ready={ready} />
            </div>
            <p className="text-xs text-muted-foreground">{t('account.signOutNote')}</p>
          </div>
        )}
      </AuthForm>
    </div>
  );
}
