import type { AdminGrant, AdminModel, AdminPlan, AdminPlanInForce, AdminProvider, AdminUsageRow, AdminUser } from '@chat/contract/api';
import type { ModelRow, PlanRow, ProviderRow, QuotaGrantRow, UsageEventRow, UserRow } from '../db/schema';

/*
 * What the admin API answers, typed from the route schemas (routes/admin/schemas.ts) through
 * the generated contract, so a view that drifts from its schema fails the type check.
 */
export type { AdminModel, AdminPlan, AdminProvider, AdminUser };
export type PlanView = AdminPlanInForce;
export type Grant = AdminGrant;
export type UsageRow = AdminUsageRow;

/** Epoch ms as the API's ISO string; rows that took a column default carry fractions of a ms. */
export function iso(ms: number): string {
  return new Date(Math.floor(ms)).toISOString();
}

export function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : iso(ms);
}

export function toAdminUser(row: UserRow): AdminUser {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    roles: row.roles,
    planId: row.planId,
    planExpiresAt: isoOrNull(row.planExpiresAt),
    suspendedAt: isoOrNull(row.suspendedAt),
    suspendedReason: row.suspendedReason,
    createdAt: iso(row.createdAt),
  };
}

export function toPlan(row: PlanRow): PlanView {
  const { id, name, models, maxTokensPerRequest, dailyTokenQuota, monthlyTokenQuota, concurrentStreams, priceKrw } = row;
  return { id, name, models, maxTokensPerRequest, dailyTokenQuota, monthlyTokenQuota, concurrentStreams, priceKrw };
}

export function toAdminPlan(row: PlanRow): AdminPlan {
  return { ...toPlan(row), sortOrder: row.sortOrder, createdAt: iso(row.createdAt), updatedAt: iso(row.updatedAt) };
}

export function toAdminProvider(row: ProviderRow): AdminProvider {
  const { id, name, baseUrl, apiKeySecret, extraHeaders, kind, enabled } = row;
  return { id, name, baseUrl, apiKeySecret, extraHeaders, kind, enabled, createdAt: iso(row.createdAt), updatedAt: iso(row.updatedAt) };
}

export function toAdminModel(row: ModelRow): AdminModel {
  const { id, providerId, upstreamModel, contextWindow, maxOutputTokens, inputPriceMicros, outputPriceMicros, priceCurrency, fallbacks, fallbackForAllPlans, enabled } = row;
  return {
    id,
    providerId,
    upstreamModel,
    contextWindow,
    maxOutputTokens,
    inputPriceMicros,
    outputPriceMicros,
    priceCurrency,
    fallbacks,
    fallbackForAllPlans,
    enabled,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export function toGrant(row: QuotaGrantRow): Grant {
  return { id: row.id, tokens: row.tokens, reason: row.reason, expiresAt: iso(row.expiresAt), createdAt: iso(row.createdAt), createdBy: row.createdBy };
}

/** What the audit view adds to a usage row: who answered, after how many attempts, at what cost. */
export function toUpstreamView(row: UsageEventRow) {
  return {
    provider: row.providerId,
    requestedModel: row.requestedModel,
    attempts: row.attempts,
    lastUpstreamError: row.lastUpstreamError,
    costMicros: row.costMicros,
    costCurrency: row.costCurrency,
  };
}

export function toUsageRow(row: UsageEventRow): UsageRow {
  return {
    id: row.id,
    traceId: row.traceId,
    clientTraceId: row.clientTraceId,
    userId: row.userId,
    conversationId: row.conversationId,
    messageId: row.messageId,
    model: row.model,
    promptTokens: row.promptTokens,
    completionTokens: row.completionTokens,
    totalTokens: row.totalTokens,
    estimated: row.estimated,
    status: row.status,
    errorCode: row.errorCode,
    ttftMs: row.ttftMs,
    durationMs: row.durationMs,
    createdAt: iso(row.createdAt),
  };
}
