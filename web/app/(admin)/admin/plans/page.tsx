import { PlansEditor } from '@/components/admin/plans-editor';

export const runtime = 'edge';

export default function AdminPlansPage() {
  return <PlansEditor />;
}
