import { notFound, redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { AdminNav } from '@/components/admin/admin-nav';
import { AppProviders } from '@/components/app-providers';
import { AppShell } from '@/components/app-shell';
import { auth } from '@/lib/next-auth';
import { isAdmin } from '@/lib/roles';

/** The operators' console: signed in with the admin role, checked on the server (middleware.ts answers 403 first). */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const session = await auth();
  if (!session?.claims) redirect('/');
  if (!isAdmin(session.claims.roles)) notFound();
  return (
    <AppProviders>
      <AppShell>
        <div className="flex h-full min-h-0 flex-col">
          <AdminNav />
          <div className="min-h-0 flex-1 overflow-y-auto">{children}</div>
        </div>
      </AppShell>
    </AppProviders>
  );
}
