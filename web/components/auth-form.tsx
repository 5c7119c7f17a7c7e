'use client';

import { useEffect, useState, type ReactNode } from 'react';
import { fetchCsrfToken } from '@/lib/auth-client';

/**
 * A form posting to an Auth.js endpoint (`/api/auth/signin/kakao`, `/api/auth/signout`) with
 * the CSRF token it requires; the browser follows Auth.js's redirect. `children` is rendered
 * with `ready` false until the token is there.
 */
export function AuthForm({ action, callbackUrl, children }: { action: string; callbackUrl: string; children: (ready: boolean) => ReactNode }) {
  const [csrfToken, setCsrfToken] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    fetchCsrfToken().then(
      (token) => live && setCsrfToken(token),
      () => live && setCsrfToken(null),
    );
    return () => {
      live = false;
    };
  }, []);
  return (
    <form method="post" action={action}>
      <input type="hidden" name="csrfToken" value={csrfToken ?? ''} />
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      {children(csrfToken !== null)}
    </form>
  );
}
