import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { AppProviders } from '@/components/app-providers';
import { AppShell } from '@/components/app-shell';
import { auth } from '@/lib/next-auth';

/** Gate of the product pages: signed in and onboarded, decided on the server before rendering. */
export default async function ChatLayout({ children }: { children: ReactNode }) {
  const session = await auth();
  if (!session?.claims) redirect('/');
  if (!session.claims.onboarded) redirect('/onboarding');
  return (
    <AppProviders>
      <AppShell>{children}</AppShell>
    </AppProviders>
  );
}
