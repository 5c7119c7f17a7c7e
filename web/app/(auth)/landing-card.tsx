'use client';

import { MessageCircle } from 'lucide-react';
import { AuthForm } from '@/components/auth-form';
import { Alert } from '@/components/ui/alert';
import { CenteredPage } from '@/components/centered-page';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { useT } from '@/lib/i18n/use-t';

export function LandingCard({ failed }: { failed: boolean }) {
  const t = useT();
  return (
    <CenteredPage>
      <Card className="w-full max-w-sm text-center">
        <CardHeader>
          <CardTitle className="text-3xl">{t('app.name')}</CardTitle>
          <CardDescription>{t('app.tagline')}</CardDescription>
        </CardHeader>
        <CardContent className="space-y-4">
          {failed && <Alert variant="destructive">{t('landing.error')}</Alert>}
          <AuthForm action="/api/auth/signin/kakao" callbackUrl="/chat">
            {(ready) => (
              <Button type="submit" variant="kakao" size="lg" className="w-full" disabled={!ready}>
                <MessageCircle aria-hidden />
                {t('landing.login')}
              </Button>
            )}
          </AuthForm>
          <p className="text-xs text-muted-foreground">{t('landing.loginHint')}</p>
        </CardContent>
      </Card>
    </CenteredPage>
  );
}
