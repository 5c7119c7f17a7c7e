import { PlansEditor } from '@/components/admin/plans-editor';

export default function AdminPlansPage() {
  return <PlansEditor />;
}
