'use client';

import { useQuery } from '@tanstack/react-query';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { adminApi } from '@/lib/admin-api';
import type { AdminCreatePlanRequest as PlanInput, AdminPlan } from '@chat/contract/api';
import type { MessageKey } from '@/lib/i18n/messages';
import { useT } from '@/lib/i18n/use-t';
import { useEditorForm } from './editor-form';
import { EditorPage, SaveRow } from './editor-layout';

const NUMBER_FIELDS = [
  ['maxTokensPerRequest', 'admin.plans.maxTokens'],
  ['dailyTokenQuota', 'admin.plans.daily'],
  ['monthlyTokenQuota', 'admin.plans.monthly'],
  ['concurrentStreams', 'admin.plans.streams'],
  ['priceKrw', 'admin.plans.price'],
  ['sortOrder', 'admin.plans.sort'],
] as const satisfies readonly (readonly [keyof PlanInput, MessageKey])[];

type Draft = Record<'id' | 'name' | 'models' | (typeof NUMBER_FIELDS)[number][0], string>;

function draftOf(plan: AdminPlan | null): Draft {
  return {
    id: plan?.id ?? '',
    name: plan?.name ?? '',
    models: plan?.models.join(', ') ?? 'gpt-4o-mini',
    maxTokensPerRequest: String(plan?.maxTokensPerRequest ?? 1024),
    dailyTokenQuota: String(plan?.dailyTokenQuota ?? 20000),
    monthlyTokenQuota: String(plan?.monthlyTokenQuota ?? 200000),
    concurrentStreams: String(plan?.concurrentStreams ?? 1),
    priceKrw: String(plan?.priceKrw ?? 0),
    sortOrder: String(plan?.sortOrder ?? 0),
  };
}

/** The form's strings as the Worker's plan; number fields that are not numbers go through as NaN → the Worker's 400 names them. */
function planOf(draft: Draft): PlanInput {
  return {
    id: draft.id.trim(),
    name: draft.name.trim(),
    models: draft.models.split(',').map((m) => m.trim()).filter(Boolean),
    maxTokensPerRequest: Number(draft.maxTokensPerRequest),
    dailyTokenQuota: Number(draft.dailyTokenQuota),
    monthlyTokenQuota: Number(draft.monthlyTokenQuota),
    concurrentStreams: Number(draft.concurrentStreams),
    priceKrw: Number(draft.priceKrw),
    sortOrder: Number(draft.sortOrder),
  };
}

function PlanForm({ plan }: { plan: AdminPlan | null }) {
  const t = useT();
  const prefix = plan ? `plan-${plan.id}` : 'plan-new';
  const { submit, saving, text } = useEditorForm({
    prefix,
    initial: () => draftOf(plan),
    save: (draft) => {
      const { id, ...change } = planOf(draft);
      return plan ? adminApi.updatePlan(plan.id, change) : adminApi.createPlan({ id, ...change });
    },
    invalidates: [['admin', 'plans'], ['admin', 'actions'], ['plans']],
    creates: !plan,
  });
  return (
    <Card data-testid={prefix}>
      <CardHeader>
        <CardTitle>{plan ? `${plan.name} (${plan.id})` : t('admin.plans.new')}</CardTitle>
      </CardHeader>
      <CardContent>
        <form onSubmit={submit} className="grid gap-3 sm:grid-cols-3">
          {!plan && text('id', t('admin.plans.id'))}
          {text('name', t('admin.plans.name'))}
          {text('models', t('admin.plans.models'), {}, 'sm:col-span-2')}
          {NUMBER_FIELDS.map(([name, label]) => (
            <div key={name}>{text(name, t(label), { type: 'number' })}</div>
          ))}
          <SaveRow
            label={plan ? t('admin.plans.save') : t('admin.plans.create')}
            pending={saving.isPending}
            saved={saving.isSuccess ? t('admin.plans.saved', { plan: saving.data.name }) : null}
            error={saving.error}
            span="sm:col-span-3"
          />
        </form>
      </CardContent>
    </Card>
  );
}

/** Every plan's limits and price, editable (applies to the next request), and a form for a new one. */
export function PlansEditor() {
  const plans = useQuery({ queryKey: ['admin', 'plans'], queryFn: adminApi.plans });
  return (
    <EditorPage error={plans.error} loading={plans.isLoading}>
      {plans.data?.items.map((plan) => <PlanForm key={`${plan.id}-${plan.updatedAt}`} plan={plan} />)}
      <PlanForm plan={null} />
    </EditorPage>
  );
}
