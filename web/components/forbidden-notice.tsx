'use client';

import { ShieldAlert } from 'lucide-react';
import Link from 'next/link';
import { CenteredPage } from '@/components/centered-page';
import { Button } from '@/components/ui/button';
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
        <Button asChild>
          <Link href="/chat">{t('forbidden.back')}</Link>
        </Button>
      </div>
    </CenteredPage>
  );
}
