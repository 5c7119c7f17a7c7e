'use client';

import { ShieldAlert } from 'lucide-react';
import { CenteredPage } from '@/components/centered-page';
import { LinkButton } from '@/components/ui/link-button';
import { useT } from '@/lib/i18n/use-t';

export function ForbiddenNotice() {
  const t = useT();
  return (
    <CenteredPage>
      <div className="w-full max-w-md space-y-4 text-center" data-testid="forbidden">
        <ShieldAlert className="mx-auto size-10 text-muted-foreground" aria-hidden />
        <p className="font-mono text-sm text-muted-foreground">403</p>
        <h1 className="text-2xl font-semibold">{t('forbidden.title')}</h1>
        <p className="text-muted-foreground">{t('forbidden.body')}</p>
        <LinkButton href="/chat">{t('forbidden.back')}</LinkButton>
      </div>
    </CenteredPage>
  );
}
