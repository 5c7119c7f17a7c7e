import { TRACE_ID_PATTERN } from '@chat/contract';
import { z } from '@hono/zod-openapi';
import { ASSIGNABLE_ROLES } from '../../admin/users';
import { ADMIN_TARGET_TYPES } from '../../db/queries/admin-actions';
import { PROVIDER_KINDS } from '../../db/queries/providers';

// Inputs. Ids are checked for shape so a typo is a 400 naming the field, not a lookup.

export const UserId = z.string().regex(/^usr_[0-9a-z]{1,64}$/, 'must be a user id like usr_0mf3k2x1a7q9z0c4r8b2');
export const GrantId = z.string().regex(/^grt_[0-9a-z]{1,64}$/, 'must be a grant id like grt_0mf3k2x1a7q9z0c4r8b2');
export const PlanId = z.string().regex(/^[a-z][a-z0-9_-]{1,31}$/, 'must be 2 to 32 lower-case letters, digits, _ or -, starting with a letter');
export const TraceId = z.string().regex(TRACE_ID_PATTERN, 'must be a trace id (8 to 128 letters, digits, . _ : -)');
export const ModelId = z.string().min(1).max(100).regex(/^[A-Za-z0-9._:-]+$/, 'must be a model id (letters, digits, . _ : -)');
export const ProviderId = PlanId;

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

/**
 * Headers an operator may not set on a provider: the key travels only as the Authorization the
 * Worker builds from the named secret, so any header that carries credentials (of OpenAI,
 * Azure, Anthropic or AI Gateway) is refused, as are hop-by-hop and framing headers, and the
 * per-request AI Gateway metadata the Worker writes itself.
 */
const RESERVED_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'api-key',
  'x-api-key',
  'cf-aig-authorization',
  'cf-aig-metadata',
  'cookie',
  'set-cookie',
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
  'content-type',
]);

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;

const ExtraHeaders = z
  .record(z.string(), z.string().max(1000).regex(/^[^\r\n]*$/, 'must be one line'))
  .superRefine((headers, ctx) => {
    const names = Object.keys(headers);
    if (names.length > 20) ctx.addIssue({ code: 'custom', message: 'must have at most 20 headers' });
    for (const name of names) {
      if (!HEADER_NAME.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'is not a header name' });
      else if (RESERVED_HEADERS.has(name.toLowerCase()))
        ctx.addIssue({ code: 'custom', path: [name], message: 'is set by the Worker or carries a key; a key goes in the Worker secret named by apiKeySecret' });
    }
  });

const ProviderFields = {
  name: z.string().trim().min(1).max(100),
  baseUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .max(500)
    // zod runs this even after the URL check failed, so an unparsable string is left to that check's message.
    .refine((u) => {
      if (!URL.canParse(u)) return true;
      const url = new URL(u);
      return url.username === '' && url.password === '' && url.search === '' && url.hash === '';
    }, 'must not carry credentials, a query or a fragment')
    .nullable()
    .openapi({ description: "OpenAI-compatible base URL (…/v1), or an AI Gateway endpoint; null: the Worker's OPENAI_BASE_URL" }),
  apiKeySecret: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'must be the name of a Worker secret like OPENAI_API_KEY (upper-case letters, digits, _), never the key itself')
    .refine((name) => name.split('_').every((word) => word.length <= 20), 'looks like a key, not the name of a Worker secret: put the key in a secret (wrangler secret put NAME) and give its name')
    .openapi({ description: 'The name of the Worker secret holding the key; the key never goes in D1', example: 'OPENAI_API_KEY' }),
  extraHeaders: ExtraHeaders.openapi({ description: 'Sent with every request to this provider; never a key' }),
  kind: z.enum(PROVIDER_KINDS).openapi({ description: '`openai`: an OpenAI-compatible API; `ai_gateway`: one behind Cloudflare AI Gateway (cf-aig-metadata per request)' }),
  enabled: z.boolean(),
};

export const CreateProviderBody = z
  .object({ id: ProviderId, ...ProviderFields, baseUrl: ProviderFields.baseUrl.default(null), extraHeaders: ProviderFields.extraHeaders.default({}), kind: ProviderFields.kind.default('openai'), enabled: ProviderFields.enabled.default(true) })
  .openapi('AdminCreateProviderRequest');

export const UpdateProviderBody = z
  .object({
    name: ProviderFields.name.optional(),
    baseUrl: ProviderFields.baseUrl.optional(),
    apiKeySecret: ProviderFields.apiKeySecret.optional(),
    extraHeaders: ProviderFields.extraHeaders.optional(),
    kind: ProviderFields.kind.optional(),
    enabled: ProviderFields.enabled.optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'must set at least one field')
  .openapi('AdminUpdateProviderRequest');

const TokenLimit = z.number().int().min(1).max(100_000_000);
/** Per million tokens, in micro-units: US$0.15 is 150000; up to 1,000,000 currency units per million tokens. */
const PriceMicros = z.number().int().min(0).max(1_000_000_000_000);

const ModelFields = {
  providerId: ProviderId,
  upstreamModel: z.string().min(1).max(200).regex(/^[A-Za-z0-9._:/@-]+$/, 'must be the provider\'s model name').openapi({ description: 'The name the provider knows the model by' }),
  contextWindow: TokenLimit,
  maxOutputTokens: TokenLimit,
  inputPriceMicros: PriceMicros.openapi({ description: 'Price per million prompt tokens, in micro-units of priceCurrency' }),
  outputPriceMicros: PriceMicros.openapi({ description: 'Price per million completion tokens, in micro-units of priceCurrency' }),
  priceCurrency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code like USD'),
  fallbacks: z
    .array(ModelId)
    .max(10)
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat a model')
    .openapi({ description: 'Model ids tried in order when this one fails before its first token' }),
  fallbackForAllPlans: z.boolean().openapi({ description: 'Usable as a fallback by every plan, not only plans that list it' }),
  enabled: z.boolean(),
};

const outputWithinWindow = (b: { contextWindow?: number | undefined; maxOutputTokens?: number | undefined }) =>
  b.contextWindow === undefined || b.maxOutputTokens === undefined || b.maxOutputTokens <= b.contextWindow;
const OUTPUT_WITHIN_WINDOW = { message: 'must not exceed contextWindow', path: ['maxOutputTokens'] };

export const CreateModelBody = z
  .object({
    id: ModelId,
    ...ModelFields,
    priceCurrency: ModelFields.priceCurrency.default('USD'),
    fallbacks: ModelFields.fallbacks.default([]),
    fallbackForAllPlans: ModelFields.fallbackForAllPlans.default(false),
    enabled: ModelFields.enabled.default(true),
  })
  .refine(outputWithinWindow, OUTPUT_WITHIN_WINDOW)
  .openapi('AdminCreateModelRequest');

export const UpdateModelBody = z
  .object({
    providerId: ModelFields.providerId.optional(),
    upstreamModel: ModelFields.upstreamModel.optional(),
    contextWindow: ModelFields.contextWindow.optional(),
    maxOutputTokens: ModelFields.maxOutputTokens.optional(),
    inputPriceMicros: ModelFields.inputPriceMicros.optional(),
    outputPriceMicros: ModelFields.outputPriceMicros.optional(),
    priceCurrency: ModelFields.priceCurrency.optional(),
    fallbacks: ModelFields.fallbacks.optional(),
    fallbackForAllPlans: ModelFields.fallbackForAllPlans.optional(),
    enabled: ModelFields.enabled.optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'must set at least one field')
  .refine(outputWithinWindow, OUTPUT_WITHIN_WINDOW)
  .openapi('AdminUpdateModelRequest');

/** A month of the margin report, `2026-11`. */
export const MonthQuery = z.object({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month like 2026-11')
    .optional()
    .openapi({ description: 'A UTC month; default: the current one' }),
});

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

export const AdminProvider = z
  .object({
    id: z.string(),
    name: z.string(),
    baseUrl: z.string().nullable(),
    apiKeySecret: z.string().openapi({ description: 'The name of the Worker secret; never the key' }),
    extraHeaders: z.record(z.string(), z.string()),
    kind: z.enum(PROVIDER_KINDS),
    enabled: z.boolean(),
    createdAt: Iso,
    updatedAt: Iso,
  })
  .openapi('AdminProvider');
export const AdminProviderList = z.object({ items: z.array(AdminProvider) }).openapi('AdminProviderList');

export const AdminModel = z
  .object({
    id: z.string(),
    providerId: z.string(),
    upstreamModel: z.string(),
    contextWindow: z.number().int(),
    maxOutputTokens: z.number().int(),
    inputPriceMicros: z.number().int(),
    outputPriceMicros: z.number().int(),
    priceCurrency: z.string(),
    fallbacks: z.array(z.string()),
    fallbackForAllPlans: z.boolean(),
    enabled: z.boolean(),
    createdAt: Iso,
    updatedAt: Iso,
  })
  .openapi('AdminModel');
export const AdminModelList = z.object({ items: z.array(AdminModel) }).openapi('AdminModelList');

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
    targetType: z.enum(ADMIN_TARGET_TYPES),
    targetId: z.string(),
    before: z.unknown().nullable(),
    after: z.unknown().nullable(),
    createdAt: Iso,
  })
  .openapi('AdminAction');

export const AdminActionPage = z.object({ items: z.array(AdminAction), nextCursor: NextCursor }).openapi('AdminActionPage');

const Count = z.number().int();

const CurrencyCost = z
  .object({ currency: z.string().openapi({ example: 'USD' }), costMicros: Count.openapi({ description: 'Micro-units of `currency`: 12300 is US$0.0123' }) })
  .openapi('AdminCurrencyCost');

const UsageCost = z
  .object({
    totals: z.array(CurrencyCost).openapi({ description: 'One entry per currency; costs in different currencies are never added' }),
    byDay: z.array(CurrencyCost.extend({ date: z.string() })),
    byModel: z.array(CurrencyCost.extend({ model: z.string(), requests: Count })),
    byProvider: z.array(CurrencyCost.extend({ providerId: z.string().nullable(), requests: Count })),
    topUsers: z.array(CurrencyCost.extend({ userId: z.string(), email: z.string().nullable(), name: z.string().nullable(), requests: Count })),
  })
  .openapi('AdminUsageCost', { description: 'Sums of cost_micros by cost_currency; requests that cost nothing (no currency) are left out' });

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
    cost: UsageCost,
  })
  .openapi('AdminUsageReport');

const Krw = z.number().openapi({ description: 'KRW; costs carry fractions of a won (to the hundredth)' });

const MarginFigures = {
  users: Count.openapi({ description: 'Users who paid or had a costed answer in the month' }),
  payments: Count,
  grossKrw: Count.openapi({ description: 'Payments approved in the month, as charged' }),
  refundedKrw: Count.openapi({ description: 'What has been refunded of those payments since' }),
  revenueKrw: Count.openapi({ description: 'grossKrw - refundedKrw' }),
  costKrw: Krw,
  unconverted: z.array(CurrencyCost).openapi({ description: 'Cost in currencies FX_RATES_KRW has no rate for: not in costKrw or marginKrw' }),
  marginKrw: Krw,
};

export const MarginReport = z
  .object({
    month: z.string().openapi({ example: '2026-11' }),
    from: Iso,
    to: Iso,
    ratesKrw: z.record(z.string(), z.number()).openapi({ description: 'KRW per unit of each currency (FX_RATES_KRW)' }),
    plans: z.array(z.object({ planId: z.string(), name: z.string(), ...MarginFigures }).openapi('AdminPlanMargin')),
    totals: z.object(MarginFigures),
    flagged: z
      .array(
        z
          .object({ userId: z.string(), email: z.string().nullable(), name: z.string().nullable(), planId: z.string(), paidKrw: Count, costKrw: Krw, unconverted: z.array(CurrencyCost) })
          .openapi('AdminFlaggedUser'),
      )
      .openapi({ description: 'Users whose cost exceeds what they paid in the month, or whose cost has no rate; biggest excess first, at most 100' }),
    flaggedTotal: Count,
  })
  .openapi('AdminMarginReport');
