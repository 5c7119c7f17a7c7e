import { z } from 'zod/mini';
import { QuotaWindow } from './schemas';

/** The Worker's `/admin/*` answers (contract section 5), validated where the browser reads them. */

export const AdminUser = z.object({
  id: z.string(),
  email: z.nullable(z.string()),
  name: z.nullable(z.string()),
  roles: z.array(z.string()),
  planId: z.string(),
  planExpiresAt: z.nullable(z.string()),
  suspendedAt: z.nullable(z.string()),
  suspendedReason: z.nullable(z.string()),
  createdAt: z.string(),
});
export type AdminUser = z.infer<typeof AdminUser>;
export const AdminUserPage = z.object({ items: z.array(AdminUser), nextCursor: z.nullable(z.string()) });

const PlanLimits = z.object({
  id: z.string(),
  name: z.string(),
  models: z.array(z.string()),
  maxTokensPerRequest: z.number(),
  dailyTokenQuota: z.number(),
  monthlyTokenQuota: z.number(),
  concurrentStreams: z.number(),
  priceKrw: z.number(),
});
export const AdminPlan = z.extend(PlanLimits, { sortOrder: z.number(), createdAt: z.string(), updatedAt: z.string() });
export type AdminPlan = z.infer<typeof AdminPlan>;
export const AdminPlanList = z.object({ items: z.array(AdminPlan) });

export const AdminGrant = z.object({ id: z.string(), tokens: z.number(), reason: z.string(), expiresAt: z.string(), createdAt: z.string(), createdBy: z.string() });
export type AdminGrant = z.infer<typeof AdminGrant>;

export const UsageRow = z.object({
  id: z.string(),
  traceId: z.string(),
  userId: z.string(),
  conversationId: z.nullable(z.string()),
  messageId: z.nullable(z.string()),
  model: z.string(),
  promptTokens: z.number(),
  completionTokens: z.number(),
  totalTokens: z.number(),
  estimated: z.boolean(),
  status: z.string(),
  errorCode: z.nullable(z.string()),
  ttftMs: z.nullable(z.number()),
  durationMs: z.number(),
  createdAt: z.string(),
});
export type UsageRow = z.infer<typeof UsageRow>;

export const AdminUserDetail = z.object({
  user: AdminUser,
  plan: PlanLimits,
  quota: z.object({ daily: QuotaWindow, monthly: QuotaWindow }),
  grants: z.array(AdminGrant),
  recent: z.array(UsageRow),
});
export type AdminUserDetail = z.infer<typeof AdminUserDetail>;

export const AuditedRequest = z.extend(UsageRow, { userEmail: z.nullable(z.string()), userName: z.nullable(z.string()) });
export type AuditedRequest = z.infer<typeof AuditedRequest>;
export const AuditedRequestList = z.object({ items: z.array(AuditedRequest) });

export const AdminAction = z.object({
  id: z.string(),
  actorId: z.string(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  createdAt: z.string(),
});
export type AdminAction = z.infer<typeof AdminAction>;
export const AdminActionPage = z.object({ items: z.array(AdminAction), nextCursor: z.nullable(z.string()) });

const Count = z.number();
export const UsageReport = z.object({
  from: z.string(),
  to: z.string(),
  byDay: z.array(z.object({ date: z.string(), model: z.string(), requests: Count, errors: Count, promptTokens: Count, completionTokens: Count, totalTokens: Count })),
  byModel: z.array(z.object({ model: z.string(), requests: Count, errors: Count, totalTokens: Count })),
  topUsers: z.array(z.object({ userId: z.string(), email: z.nullable(z.string()), name: z.nullable(z.string()), requests: Count, totalTokens: Count })),
  errorsByCode: z.array(z.object({ code: z.string(), count: Count })),
  totals: z.object({ requests: Count, errors: Count, totalTokens: Count, errorRate: z.number() }),
  ttft: z.object({ p50: z.nullable(z.number()), p95: z.nullable(z.number()) }),
});
export type UsageReport = z.infer<typeof UsageReport>;

export type PlanInput = Omit<AdminPlan, 'createdAt' | 'updatedAt'>;
