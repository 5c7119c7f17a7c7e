import { AuditLookup } from '@/components/admin/audit-lookup';
import { pageTitle } from '@/lib/i18n/metadata';

export const generateMetadata = pageTitle('admin.nav.audit', 'admin.title');

export default async function AdminAuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { trace } = await searchParams;
  const value = Array.isArray(trace) ? trace[0] : trace;
  return <AuditLookup trace={value?.trim() ? value.trim() : null} />;
}
