'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ErrorMessage, FormError } from '@/components/error-message';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { NativeSelect } from '@/components/ui/native-select';
import { adminApi } from '@/lib/admin-api';
import type { AdminGrant, AdminUserDetail } from '@chat/contract/api';
import { lastDays } from '@/lib/date-range';
import { toDisplayError } from '@/lib/errors';
import { formatDate, formatNumber } from '@/lib/format';
import { useT } from '@/lib/i18n/use-t';
import { ADMIN_ROLE } from '@/lib/roles';
import { usePreferences } from '@/lib/stores/preferences';
import { ActionsList } from './actions-list';
import { RequestsTable } from './requests-table';
import { TokensByModelChart } from './usage-charts';

/** End of the given local date as an ISO instant, for date inputs that mean "through that day". */
function endOfDay(date: string): string {
  return new Date(`${date}T23:59:59`).toISOString();
}

function useDetailUpdate(userId: string) {
  const queryClient = useQueryClient();
  return (detail: AdminUserDetail) => {
    queryClient.setQueryData(['admin', 'user', userId], detail);
    void queryClient.invalidateQueries({ queryKey: ['admin', 'actions'] });
    void queryClient.invalidateQueries({ queryKey: ['admin', 'users'] });
  };
}

function PlanAndRoles({ detail }: { detail: AdminUserDetail }) {
  const t = useT();
  const { user } = detail;
  const plans = useQuery({ queryKey: ['admin', 'plans'], queryFn: adminApi.plans });
  const [planId, setPlanId] = useState(user.planId);
  const [expires, setExpires] = useState(user.planExpiresAt ? user.planExpiresAt.slice(0, 10) : '');
  const [admin, setAdmin] = useState(user.roles.includes(ADMIN_ROLE));
  const update = useDetailUpdate(user.id);
  const save = useMutation({
    mutationFn: () => adminApi.updateUser(user.id, { planId, planExpiresAt: expires ? endOfDay(expires) : null, roles: admin ? ['user', ADMIN_ROLE] : ['user'] }),
    onSuccess: update,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t('admin.user.planSection')}</CardTitle>
      </CardHeader>
      <CardContent>
        <form onSubmit={submit} className="grid gap-4 sm:grid-cols-3">
          <div className="space-y-1.5">
            <Label htmlFor="admin-plan">{t('admin.user.plan')}</Label>
            <NativeSelect id="admin-plan" className="h-10 w-full" value={planId} onChange={(e) => setPlanId(e.target.value)}>
              {(plans.data?.items ?? [{ id: user.planId, name: user.planId }]).map((plan) => (
                <option key={plan.id} value={plan.id}>
                  {plan.name} ({plan.id})
                </option>
              ))}
            </NativeSelect>
          </div>
          <div className="space-y-1.5">
            <Label htmlFor="admin-plan-expires">{t('admin.user.planExpires')}</Label>
            <Input id="admin-plan-expires" type="date" value={expires} onChange={(e) => setExpires(e.target.value)} />
            <p className="text-xs text-muted-foreground">{expires ? '' : t('admin.user.planNoEnd')}</p>
          </div>
          <label className="flex items-center gap-2 self-center text-sm">
            <input type="checkbox" checked={admin} onChange={(e) => setAdmin(e.target.checked)} />
            {t('admin.user.adminRole')}
          </label>
          <div className="flex items-center gap-3 sm:col-span-3">
            <Button type="submit" disabled={save.isPending}>
              {t('admin.user.save')}
            </Button>
            {save.isSuccess && <span role="status" className="text-sm text-muted-foreground">{t('admin.user.saved')}</span>}
          </div>
          <FormError error={save.error} className="sm:col-span-3" />
        </form>
      </CardContent>
    </Card>
  );
}

function Suspension({ detail }: { detail: AdminUserDetail }) {
  const t = useT();
  const { user } = detail;
  const update = useDetailUpdate(user.id);
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const suspend = useMutation({ mutationFn: () => adminApi.suspend(user.id, reason), onSuccess: (d) => (update(d), setOpen(false)) });
  const unsuspend = useMutation({ mutationFn: () => adminApi.unsuspend(user.id), onSuccess: update });
  const error = suspend.error ?? unsuspend.error;

  if (user.suspendedAt) {
    return (
      <div className="space-y-2">
        <Button variant="outline" onClick={() => unsuspend.mutate()} disabled={unsuspend.isPending}>
          {t('admin.user.unsuspend')}
        </Button>
        {error && <ErrorMessage error={toDisplayError(error)} />}
      </div>
    );
  }
  return (
    <>
      <Button variant="destructive" onClick={() => setOpen(true)}>
        {t('admin.user.suspend')}
      </Button>
      <Dialog open={open} onOpenChange={(next) => !suspend.isPending && setOpen(next)}>
        <DialogContent closeLabel={t('chat.cancel')}>
          <DialogHeader>
            <DialogTitle>{t('admin.user.suspendTitle')}</DialogTitle>
            <DialogDescription>{t('admin.user.suspendBody', { name: user.name ?? user.email ?? user.id })}</DialogDescription>
          </DialogHeader>
          <form
            className="space-y-4"
            onSubmit={(event) => {
              event.preventDefault();
              suspend.mutate();
            }}
          >
            <div className="space-y-1.5">
              <Label htmlFor="suspend-reason">{t('admin.user.reason')}</Label>
              <Input id="suspend-reason" value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={500} />
            </div>
            {suspend.error && <ErrorMessage error={toDisplayError(suspend.error)} />}
            <DialogFooter>
              <Button type="button" variant="outline" onClick={() => setOpen(false)}>
                {t('chat.cancel')}
              </Button>
              <Button type="submit" variant="destructive" disabled={suspend.isPending || reason.trim() === ''}>
                {t('admin.user.suspend')}
              </Button>
            </DialogFooter>
          </form>
        </DialogContent>
      </Dialog>
    </>
  );
}

function Grants({ detail }: { detail: AdminUserDetail }) {
  const t = useT();
  const locale = usePreferences((s) => s.locale);
  const queryClient = useQueryClient();
  const userId = detail.user.id;
  const [tokens, setTokens] = useState('100000');
  const [expires, setExpires] = useState(() => new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10));
  const [reason, setReason] = useState('');
  const [revoking, setRevoking] = useState<AdminGrant | null>(null);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['admin', 'user', userId] });
    void queryClient.invalidateQueries({ queryKey: ['admin', 'actions'] });
  };
  const add = useMutation({
    mutationFn: () => adminApi.grant(userId, { tokens: Number(tokens), expiresAt: endOfDay(expires), reason }),
    onSuccess: () => (refresh(), setReason('')),
  });
  const revoke = useMutation({ mutationFn: (grantId: string) => adminApi.revokeGrant(userId, grantId), onSuccess: () => (refresh(), setRevoking(null)) });
  const now = Date.now();

  return (
    <Card>
      <CardHeader>
        <CardTitle>{t('admin.user.grants')}</CardTitle>
      </CardHeader>
      <CardContent className="space-y-4">
        {detail.grants.length === 0 && <p className="text-sm text-muted-foreground">{t('admin.user.noGrants')}</p>}
        <ul className="space-y-2 text-sm" data-testid="grants">
          {detail.grants.map((grant) => {
            const expired = Date.parse(grant.expiresAt) <= now;
            return (
              <li key={grant.id} className="flex items-center justify-between gap-3" data-testid="grant">
                <span className={expired ? 'text-muted-foreground line-through' : undefined}>
                  +{formatNumber(locale, grant.tokens)} · {formatDate(locale, grant.expiresAt)} · {grant.reason}
                  {expired && ` (${t('admin.user.grantExpired')})`}
                </span>
                {!expired && (
                  <Button size="sm" variant="outline" onClick={() => setRevoking(grant)}>
                    {t('admin.user.grantRemove')}
                  </Button>
                )}
              </li>
            );
          })}
        </ul>
        <form
          className="grid gap-3 sm:grid-cols-[8rem_10rem_1fr_auto] sm:items-end"
          onSubmit={(event) => {
            event.preventDefault();
            add.mutate();
          }}
        >
          <div className="space-y-1.5">
            <Label htmlFor="grant-tokens">{t('admin.user.grantTokens')}</Label>
            <Input id="grant-tokens" type="number" min={1} max={100_000_000} value={tokens} onChange={(e) => setTokens(e.target.value)} required />
          </div>
          <div className="space-y-1.5">
            <Label htmlFor="grant-expires">{t('admin.user.grantExpires')}</Label>
            <Input id="grant-expires" type="date" value={expires} onChange={(e) => setExpires(e.target.value)} required />
          </div>
          <div className="space-y-1.5">
            <Label htmlFor="grant-reason">{t('admin.user.reason')}</Label>
            <Input id="grant-reason" value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={500} />
          </div>
          <Button type="submit" disabled={add.isPending}>
            {t('admin.user.grantAdd')}
          </Button>
        </form>
        {add.error && <ErrorMessage error={toDisplayError(add.error)} />}
        {revoking && (
          <ConfirmDialog
            title={t('admin.user.grantRemoveTitle')}
            body={`+${formatNumber(locale, revoking.tokens)} · ${revoking.reason}`}
            confirmLabel={t('admin.user.grantRemove')}
            onConfirm={() => revoke.mutate(revoking.id)}
            onClose={() => (revoke.reset(), setRevoking(null))}
            pending={revoke.isPending}
            holdWhilePending
            error={revoke.error && toDisplayError(revoke.error)}
          />
        )}
      </CardContent>
    </Card>
  );
}

function UsageCard({ userId }: { userId: string }) {
  const t = useT();
  const [range] = useState(() => lastDays(30));
  const usage = useQuery({ queryKey: ['admin', 'usage', userId, range], queryFn: () => adminApi.usage({ ...range, userId }) });
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t('admin.user.usage')}</CardTitle>
      </CardHeader>
      <CardContent>
        {usage.error && <ErrorMessage error={toDisplayError(usage.error)} />}
        {usage.data && <TokensByModelChart rows={usage.data.byDay} label={t('admin.usage.tokensByModel')} />}
      </CardContent>
    </Card>
  );
}

/** One user for an operator: who, plan and quota, usage, recent requests, and every action on the account. */
export function UserDetail({ userId }: { userId: string }) {
  const t = useT();
  const locale = usePreferences((s) => s.locale);
  const detail = useQuery({ queryKey: ['admin', 'user', userId], queryFn: () => adminApi.user(userId) });
  if (detail.error) return <div className="p-6"><ErrorMessage error={toDisplayError(detail.error)} /></div>;
  if (!detail.data) return <p className="p-6 text-muted-foreground">{t('chat.loading')}</p>;
  const { user, plan, quota } = detail.data;
  const n = (value: number) => formatNumber(locale, value);

  return (
    <div className="mx-auto max-w-6xl space-y-6 p-4 md:p-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">{user.name ?? user.email ?? user.id}</h1>
          <p className="text-sm text-muted-foreground">
            {user.email ?? '—'} · <span className="font-mono">{user.id}</span> · {t('admin.user.created')} {formatDate(locale, user.createdAt)}
          </p>
          <p className="mt-1 text-sm" data-testid="admin-user-status">
            {user.suspendedAt ? <span className="text-destructive">{t('admin.user.suspendedBecause', { reason: user.suspendedReason ?? '' })}</span> : t('admin.user.active')}
          </p>
        </div>
        <Suspension detail={detail.data} />
      </div>
      <Card>
        <CardHeader>
          <CardTitle>{t('admin.user.quota')}</CardTitle>
        </CardHeader>
        <CardContent className="grid gap-2 text-sm sm:grid-cols-3">
          <p data-testid="admin-user-plan">
            {t('admin.user.plan')}: <strong>{plan.name}</strong> ({plan.id})
          </p>
          <p data-testid="admin-quota-daily">
            {t('account.daily')}: {n(quota.daily.used)} / {n(quota.daily.limit)}
          </p>
          <p>
            {t('account.monthly')}: {n(quota.monthly.used)} / {n(quota.monthly.limit)}
          </p>
        </CardContent>
      </Card>
      <PlanAndRoles key={`${user.planId}-${user.planExpiresAt}-${user.roles.join()}`} detail={detail.data} />
      <Grants detail={detail.data} />
      <UsageCard userId={user.id} />
      <Card>
        <CardHeader>
          <CardTitle>{t('admin.user.recent')}</CardTitle>
        </CardHeader>
        <CardContent>
          <RequestsTable rows={detail.data.recent} />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>{t('admin.user.actions')}</CardTitle>
        </CardHeader>
        <CardContent>
          <ActionsList targetId={user.id} />
        </CardContent>
      </Card>
    </div>
  );
}
