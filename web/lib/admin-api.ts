/** The browser's client of the Worker's `/admin/*` routes, through the BFF. */
import { json, send } from './api';
import { AdminActionPage, AdminPlan, AdminPlanList, AdminUserDetail, AdminUserPage, AdminGrant, AuditedRequestList, UsageReport, type PlanInput } from './admin-schemas';

const id = encodeURIComponent;

function query(params: Record<string, string | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}

const body = (method: string, value: unknown): RequestInit => ({ method, body: JSON.stringify(value) });

export const adminApi = {
  users: (q: string, cursor: string | null) => json(`/admin/users${query({ q, cursor, limit: '20' })}`, AdminUserPage),
  user: (userId: string) => json(`/admin/users/${id(userId)}`, AdminUserDetail),
  updateUser: (userId: string, change: { planId?: string; planExpiresAt?: string | null; roles?: string[] }) =>
    json(`/admin/users/${id(userId)}`, AdminUserDetail, body('PATCH', change)),
  suspend: (userId: string, reason: string) => json(`/admin/users/${id(userId)}/suspend`, AdminUserDetail, body('POST', { reason })),
  unsuspend: (userId: string) => json(`/admin/users/${id(userId)}/unsuspend`, AdminUserDetail, { method: 'POST' }),
  grant: (userId: string, grant: { tokens: number; expiresAt: string; reason: string }) => json(`/admin/users/${id(userId)}/grants`, AdminGrant, body('POST', grant)),
  revokeGrant: async (userId: string, grantId: string) => {
    await send(`/admin/users/${id(userId)}/grants/${id(grantId)}`, { method: 'DELETE' });
  },
  plans: () => json('/admin/plans', AdminPlanList),
  createPlan: (plan: PlanInput) => json('/admin/plans', AdminPlan, body('POST', plan)),
  updatePlan: (planId: string, change: Partial<Omit<PlanInput, 'id'>>) => json(`/admin/plans/${id(planId)}`, AdminPlan, body('PATCH', change)),
  usage: (range: { from: string; to: string; userId?: string }) => json(`/admin/usage${query(range)}`, UsageReport),
  trace: (traceId: string) => json(`/admin/audit/requests/${id(traceId)}`, AuditedRequestList),
  actions: (cursor: string | null, targetId?: string) => json(`/admin/actions${query({ cursor, targetId, limit: '20' })}`, AdminActionPage),
};
