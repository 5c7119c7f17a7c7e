'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { adminApi } from '@/lib/admin-api';
import type { AdminCreatePlanRequest as PlanInput, AdminPlan } from '@chat/contract/api';
import type { MessageKey } from '@/lib/i18n/messages';
import { useT } from '@/lib/i18n/use-t';
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
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState(() => draftOf(plan));
  const prefix = plan ? `plan-${plan.id}` : 'plan-new';
  const save = useMutation({
    mutationFn: () => {
      const { id, ...change } = planOf(draft);
      return plan ? adminApi.updatePlan(plan.id, change) : adminApi.createPlan({ id, ...change });
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['admin', 'plans'] });
      void queryClient.invalidateQueries({ queryKey: ['admin', 'actions'] });
      void queryClient.invalidateQueries({ queryKey: ['plans'] });
      if (!plan) setDraft(draftOf(null));
    },
  });
  const field = (name: keyof Draft, label: MessageKey, type = 'text') => (
    <div className="space-y-1.5">
      <Label htmlFor={`${prefix}-${name}`}>{t(label)}</Label>
      <Input id={`${prefix}-${name}`} type={type} value={draft[name]} onChange={(e) => setDraft({ ...draft, [name]: e.target.value })} required />
    </div>
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <Card data-testid={prefix}>
      <CardHeader>
        <CardTitle>{plan ? `${plan.name} (${plan.id})` : t('admin.plans.new')}</CardTitle>
      </CardHeader>
      <CardContent>
        <form onSubmit={submit} className="grid gap-3 sm:grid-cols-3">
          {!plan && field('id', 'admin.plans.id')}
          {field('name', 'admin.plans.name')}
          <div className="sm:col-span-2">{field('models', 'admin.plans.models')}</div>
          {NUMBER_FIELDS.map(([name, label]) => (
            <div key={name}>{field(name, label, 'number')}</div>
          ))}
          <SaveRow
            label={plan ? t('admin.plans.save') : t('admin.plans.create')}
            pending={save.isPending}
            saved={save.isSuccess ? t('admin.plans.saved', { plan: save.data.name }) : null}
            error={save.error}
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
