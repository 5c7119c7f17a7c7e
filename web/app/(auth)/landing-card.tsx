'use client';

import { useQuery } from '@tanstack/react-query';
import { BookOpenText, History, MessageCircle, Zap } from 'lucide-react';
import { AuthForm } from '@/components/auth-form';
import { PlanCard } from '@/components/billing/plan-card';
import { MAIN_ID, SkipLink } from '@/components/skip-link';
import { PreferenceControls } from '@/components/preference-controls';
import { SiteFooter } from '@/components/site-footer';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { api } from '@/lib/api';
import { useT } from '@/lib/i18n/use-t';

const FEATURES = [
  { icon: Zap, key: 'stream' },
  { icon: BookOpenText, key: 'markdown' },
  { icon: History, key: 'history' },
] as const;

/** The front page for visitors: what the product does, its plans (public), and Kakao login. */
export function LandingCard({ failed, callbackUrl }: { failed: boolean; callbackUrl: string }) {
  const t = useT();
  const plans = useQuery({ queryKey: ['plans'], queryFn: api.plans });
  return (
    <div className="flex min-h-dvh flex-col pt-[env(safe-area-inset-top)] pb-[env(safe-area-inset-bottom)] pl-[env(safe-area-inset-left)] pr-[env(safe-area-inset-right)]">
      <SkipLink />
      <header className="flex items-center justify-between gap-2 p-4">
        <span className="font-semibold">{t('app.name')}</span>
        <PreferenceControls />
      </header>
      <main id={MAIN_ID} tabIndex={-1} className="mx-auto w-full max-w-5xl flex-1 space-y-14 px-4 pb-12 pt-6 outline-none md:pt-12">
        <section className="mx-auto max-w-2xl space-y-5 text-center">
          <p className="text-sm font-medium text-muted-foreground">{t('app.tagline')}</p>
          <h1 className="text-3xl font-bold tracking-tight md:text-5xl">{t('landing.title')}</h1>
          <p className="text-base text-muted-foreground md:text-lg">{t('landing.lead')}</p>
          {failed && <Alert variant="destructive">{t('landing.error')}</Alert>}
          <AuthForm action="/api/auth/signin/kakao" callbackUrl={callbackUrl}>
            {(ready) => (
              <Button type="submit" variant="kakao" size="lg" className="w-full max-w-xs" disabled={!ready}>
                <MessageCircle aria-hidden />
                {t('landing.login')}
              </Button>
            )}
          </AuthForm>
          <p className="text-xs text-muted-foreground">{t('landing.loginHint')}</p>
        </section>

        <section aria-labelledby="features" className="space-y-6">
          <h2 id="features" className="text-center text-2xl font-semibold">
            {t('landing.features')}
          </h2>
          <ul className="grid gap-4 md:grid-cols-3">
            {FEATURES.map(({ icon: Icon, key }) => (
              <li key={key} className="rounded-lg border p-5">
                <Icon className="mb-3 size-6 text-primary" aria-hidden />
                <h3 className="font-semibold">{t(`landing.feature.${key}.title`)}</h3>
                <p className="mt-1 text-sm text-muted-foreground">{t(`landing.feature.${key}.body`)}</p>
              </li>
            ))}
          </ul>
        </section>

        <section aria-labelledby="plans" className="space-y-6">
          <div className="space-y-2 text-center">
            <h2 id="plans" className="text-2xl font-semibold">
              {t('landing.plans')}
            </h2>
            <p className="text-sm text-muted-foreground">{t('landing.plansHint')}</p>
          </div>
          {plans.isLoading && <p className="text-center text-muted-foreground">{t('chat.loading')}</p>}
          {plans.error && <p className="text-center text-muted-foreground">{t('landing.plansUnavailable')}</p>}
          {plans.data && (
            <div className="grid gap-4 md:grid-cols-3" data-testid="landing-plans">
              {plans.data.plans.map((plan) => (
                <PlanCard key={plan.id} plan={plan} />
              ))}
            </div>
          )}
        </section>
      </main>
      <SiteFooter />
    </div>
  );
}
