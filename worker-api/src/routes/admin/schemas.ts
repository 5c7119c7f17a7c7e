import { TRACE_ID_PATTERN } from '@chat/contract';
import { z } from '@hono/zod-openapi';
import { ASSIGNABLE_ROLES } from '../../admin/users';

// Inputs. Ids are checked for shape so a typo is a 400 naming the field, not a lookup.

export const UserId = z.string().regex(/^usr_[0-9a-z]{1,64}$/, 'must be a user id like usr_0mf3k2x1a7q9z0c4r8b2');
export const GrantId = z.string().regex(/^grt_[0-9a-z]{1,64}$/, 'must be a grant id like grt_0mf3k2x1a7q9z0c4r8b2');
export const PlanId = z.string().regex(/^[a-z][a-z0-9_-]{1,31}$/, 'must be 2 to 32 lower-case letters, digits, _ or -, starting with a letter');
export const TraceId = z.string().regex(TRACE_ID_PATTERN, 'must be a trace id (8 to 128 letters, digits, . _ : -)');
const ModelId = z.string().min(1).max(100).regex(/^[A-Za-z0-9._:-]+$/, 'must be a model id');

export const IsoDateTime = z.iso.datetime({ offset: true, error: 'must be an ISO date-time like 2026-11-24T09:00:00Z' }).openapi({ format: 'date-time' });

export const Cursor = z.string().max(256).optional().openapi({ description: 'The `nextCursor` of the previous page' });
export const Limit = z.coerce.number().int().min(1).max(100).default(20);

export const userParam = (description: string) => z.object({ id: UserId.openapi({ param: { name: 'id', in: 'path' }, description, example: 'usr_0mf3k2x1a7q9z0c4r8b2xy' }) });

const Tokens = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const Reason = z.string().trim().min(1).max(500);

export const UpdateUserBody = z
  .object({
    planId: PlanId.optional(),
    planExpiresAt: IsoDateTime.nullable().optional().openapi({ description: 'When the plan lapses to free; null or absent with `planId`: no end' }),
    roles: z
      .array(z.enum(ASSIGNABLE_ROLES))
      .min(1)
      .max(ASSIGNABLE_ROLES.length)
      .refine((roles) => roles.includes('user'), 'must include "user"')
      .optional(),
  })
  .refine((b) => b.planId !== undefined || b.planExpiresAt !== undefined || b.roles !== undefined, 'must set planId, planExpiresAt or roles')
  .openapi('AdminUpdateUserRequest');

export const SuspendBody = z.object({ reason: Reason }).openapi('AdminSuspendRequest');

export const GrantBody = z
  .object({
    tokens: z.number().int().min(1).max(100_000_000),
    expiresAt: IsoDateTime.openapi({ description: 'In the future, at most 90 days away' }),
    reason: Reason,
  })
  .openapi('AdminGrantRequest');

const PlanFields = {
  name: z.string().trim().min(1).max(100),
  models: z
    .array(ModelId)
    .min(1)
    .max(50)
    .refine((models) => new Set(models).size === models.length, 'must not repeat a model')
    .openapi({ description: 'Model ids the plan may use; the first is the default' }),
  maxTokensPerRequest: z.number().int().min(1).max(1_000_000),
  dailyTokenQuota: Tokens,
  monthlyTokenQuota: Tokens,
  concurrentStreams: z.number().int().min(1).max(1000),
  priceKrw: z.number().int().min(0).max(100_000_000),
  sortOrder: z.number().int().min(-1_000_000).max(1_000_000),
};

export const CreatePlanBody = z
  .object({ id: PlanId, ...PlanFields, sortOrder: PlanFields.sortOrder.default(0) })
  .openapi('AdminCreatePlanRequest');

export const UpdatePlanBody = z
  .object({
    name: PlanFields.name.optional(),
    models: PlanFields.models.optional(),
    maxTokensPerRequest: PlanFields.maxTokensPerRequest.optional(),
    dailyTokenQuota: PlanFields.dailyTokenQuota.optional(),
    monthlyTokenQuota: PlanFields.monthlyTokenQuota.optional(),
    concurrentStreams: PlanFields.concurrentStreams.optional(),
    priceKrw: PlanFields.priceKrw.optional(),
    sortOrder: PlanFields.sortOrder.optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'must set at least one field')
  .openapi('AdminUpdatePlanRequest');

// Outputs.

const Iso = z.string().openapi({ format: 'date-time' });
const NextCursor = z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; null on the last page' });

export const AdminUser = z
  .object({
    id: z.string(),
    email: z.string().nullable(),
    name: z.string().nullable(),
    roles: z.array(z.string()),
    planId: z.string().openapi({ description: 'The plan assigned; see `plan` of the detail for the one in force' }),
    planExpiresAt: Iso.nullable(),
    suspendedAt: Iso.nullable(),
    suspendedReason: z.string().nullable(),
    createdAt: Iso,
  })
  .openapi('AdminUser');

export const AdminUserPage = z.object({ items: z.array(AdminUser), nextCursor: NextCursor }).openapi('AdminUserPage');

const PlanLimits = {
  id: z.string(),
  name: z.string(),
  models: z.array(z.string()),
  maxTokensPerRequest: z.number().int(),
  dailyTokenQuota: z.number().int(),
  monthlyTokenQuota: z.number().int(),
  concurrentStreams: z.number().int(),
  priceKrw: z.number().int(),
};

export const AdminPlan = z.object({ ...PlanLimits, sortOrder: z.number().int(), createdAt: Iso, updatedAt: Iso }).openapi('AdminPlan');
export const AdminPlanList = z.object({ items: z.array(AdminPlan) }).openapi('AdminPlanList');

const QuotaWindow = z
  .object({ limit: z.number().int(), used: z.number().int(), reserved: z.number().int(), remaining: z.number().int(), resetAt: Iso })
  .openapi('AdminQuotaWindow');

export const AdminGrant = z
  .object({ id: z.string(), tokens: z.number().int(), reason: z.string(), expiresAt: Iso, createdAt: Iso, createdBy: z.string() })
  .openapi('AdminGrant');

export const UsageRow = z
  .object({
    id: z.string(),
    traceId: z.string(),
    clientTraceId: z.string().nullable().openapi({ description: 'The X-Trace-Id the caller sent; when another request held it already, `traceId` is a fresh one' }),
    userId: z.string(),
    conversationId: z.string().nullable(),
    messageId: z.string().nullable(),
    model: z.string(),
    promptTokens: z.number().int(),
    completionTokens: z.number().int(),
    totalTokens: z.number().int(),
    estimated: z.boolean(),
    status: z.string().openapi({ description: '`ok`, `aborted`, `error` or `rejected`' }),
    errorCode: z.string().nullable(),
    ttftMs: z.number().int().nullable(),
    durationMs: z.number().int(),
    createdAt: Iso,
  })
  .openapi('AdminUsageRow');

export const AdminUserDetail = z
  .object({
    user: AdminUser,
    plan: z.object(PlanLimits).openapi('AdminPlanInForce', { description: 'The plan in force: free once planExpiresAt has passed' }),
    quota: z.object({ daily: QuotaWindow, monthly: QuotaWindow }).openapi({ description: 'Limits include live grants' }),
    grants: z.array(AdminGrant).openapi({ description: 'Newest first, live and expired' }),
    recent: z.array(UsageRow).openapi({ description: 'The newest 50 requests' }),
  })
  .openapi('AdminUserDetail');

export const AuditedRequest = UsageRow.extend({
  userEmail: z.string().nullable(),
  userName: z.string().nullable(),
  provider: z.string().nullable().openapi({ description: 'The provider that answered, or was tried last; null for a request no provider was called for' }),
  requestedModel: z.string().nullable().openapi({ description: 'The model asked for; `model` is the one that answered, which differs after a fallback' }),
  attempts: z.number().int().openapi({ description: 'Upstream requests made for this answer, retries and fallbacks included' }),
  lastUpstreamError: z.string().nullable().openapi({ description: 'The last upstream failure seen (`503`, `429`, `timeout`, `connect`, `stream`, `missing_secret`), also when a later attempt answered' }),
  costMicros: z.number().int().openapi({ description: 'What the answer cost: tokens × the model prices read when it was admitted, in integer micro-units of `costCurrency`' }),
  costCurrency: z.string().nullable(),
}).openapi('AdminAuditedRequest');
export const AuditedRequestList = z.object({ items: z.array(AuditedRequest) }).openapi('AdminAuditedRequestList');
export const AuditedRequestPage = z.object({ items: z.array(AuditedRequest), nextCursor: NextCursor }).openapi('AdminAuditedRequestPage');

export const AdminAction = z
  .object({
    id: z.string(),
    actorId: z.string(),
    action: z.string().openapi({ example: 'user.suspend' }),
    targetType: z.enum(['user', 'plan']),
    targetId: z.string(),
    before: z.unknown().nullable(),
    after: z.unknown().nullable(),
    createdAt: Iso,
  })
  .openapi('AdminAction');

export const AdminActionPage = z.object({ items: z.array(AdminAction), nextCursor: NextCursor }).openapi('AdminActionPage');

const Count = z.number().int();

export const UsageReport = z
  .object({
    from: z.string(),
    to: z.string(),
    byDay: z.array(
      z.object({ date: z.string(), model: z.string(), requests: Count, errors: Count, promptTokens: Count, completionTokens: Count, totalTokens: Count }),
    ),
    byModel: z.array(z.object({ model: z.string(), requests: Count, errors: Count, totalTokens: Count })),
    topUsers: z.array(z.object({ userId: z.string(), email: z.string().nullable(), name: z.string().nullable(), requests: Count, totalTokens: Count })),
    errorsByCode: z.array(z.object({ code: z.string(), count: Count })),
    totals: z.object({ requests: Count, errors: Count, totalTokens: Count, errorRate: z.number().openapi({ description: 'errors / requests; 0 without requests' }) }),
    ttft: z.object({ p50: z.number().nullable(), p95: z.number().nullable() }).openapi({ description: 'Time to first token (ms), nearest rank' }),
  })
  .openapi('AdminUsageReport');
