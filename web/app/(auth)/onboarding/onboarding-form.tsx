'use client';

import Link from 'next/link';
import { useState, useTransition, type FormEvent } from 'react';
import { ErrorMessage } from '@/components/error-message';
import { CenteredPage } from '@/components/centered-page';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader } from '@/components/ui/card';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { api, ApiError } from '@/lib/api';
import { refreshSession } from '@/lib/auth-client';
import { useT } from '@/lib/i18n/use-t';
import type { ChatError } from '@/lib/stores/chat';
import { usePreferences } from '@/lib/stores/preferences';

export function OnboardingForm({ defaultName }: { defaultName: string }) {
  const t = useT();
  const locale = usePreferences((s) => s.locale);
  const [name, setName] = useState(defaultName);
  const [accepted, setAccepted] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<ChatError | null>(null);
  const [pending, startTransition] = useTransition();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (!name.trim()) return setProblem(t('onboarding.nameRequired'));
    if (!accepted) return setProblem(t('onboarding.termsRequired'));
    setProblem(null);
    startTransition(async () => {
      try {
        await api.completeOnboarding({ name: name.trim(), acceptTerms: true, locale });
        // The session's claims still say "not onboarded" until Auth.js re-reads them.
        await refreshSession();
        // A full navigation, so the chat page is rendered with the refreshed session cookie.
        window.location.assign('/chat');
      } catch (err) {
        setError(err instanceof ApiError ? { code: err.code, message: err.message, traceId: err.traceId } : { code: 'network', message: String(err), traceId: '' });
      }
    });
  };

  return (
    <CenteredPage>
      <Card className="w-full max-w-md">
        <CardHeader>
          <h1 className="text-xl font-semibold leading-none tracking-tight">{t('onboarding.title')}</h1>
          <CardDescription>{t('onboarding.intro')}</CardDescription>
        </CardHeader>
        <CardContent>
          <form onSubmit={submit} className="space-y-5" noValidate>
            <div className="space-y-2">
              <Label htmlFor="onboarding-name">{t('onboarding.name')}</Label>
              <Input id="onboarding-name" name="name" value={name} maxLength={50} autoComplete="name" onChange={(e) => setName(e.target.value)} autoFocus required />
            </div>
            <div className="flex items-start gap-3">
              <input
                id="onboarding-terms"
                name="acceptTerms"
                type="checkbox"
                className="mt-0.5 size-5 shrink-0 accent-current"
                checked={accepted}
                onChange={(e) => setAccepted(e.target.checked)}
                required
              />
              <div className="space-y-1">
                <Label htmlFor="onboarding-terms" className="leading-snug">
                  {t('onboarding.terms')}
                </Label>
                {/* A new tab, so what was typed here stays. */}
                <p className="flex flex-wrap gap-x-3 text-sm">
                  <Link href="/terms" target="_blank" className="inline-flex min-h-11 items-center underline underline-offset-4 md:min-h-0">
                    {t('legal.terms')}
                  </Link>
                  <Link href="/privacy" target="_blank" className="inline-flex min-h-11 items-center underline underline-offset-4 md:min-h-0">
                    {t('legal.privacy')}
                  </Link>
                </p>
              </div>
            </div>
            {problem && (
              <p role="alert" className="text-sm text-destructive">
                {problem}
              </p>
            )}
            {error && <ErrorMessage error={error} />}
            <Button type="submit" className="w-full" disabled={pending}>
              {pending ? t('onboarding.submitting') : t('onboarding.submit')}
            </Button>
          </form>
        </CardContent>
      </Card>
    </CenteredPage>
  );
}
