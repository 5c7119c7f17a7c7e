import type { PlanRow, QuotaGrantRow, UsageEventRow, UserRow } from '../db/schema';

/** Epoch ms as the API's ISO string; rows that took a column default carry fractions of a ms. */
export function iso(ms: number): string {
  return new Date(Math.floor(ms)).toISOString();
}

export function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : iso(ms);
}

export type AdminUser = {
  id: string;
  email: string | null;
  name: string | null;
  roles: string[];
  planId: string;
  planExpiresAt: string | null;
  suspendedAt: string | null;
  suspendedReason: string | null;
  createdAt: string;
};

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

export type PlanView = {
  id: string;
  name: string;
  models: string[];
  maxTokensPerRequest: number;
  dailyTokenQuota: number;
  monthlyTokenQuota: number;
  concurrentStreams: number;
  priceKrw: number;
};

export function toPlan(row: PlanRow): PlanView {
  const { id, name, models, maxTokensPerRequest, dailyTokenQuota, monthlyTokenQuota, concurrentStreams, priceKrw } = row;
  return { id, name, models, maxTokensPerRequest, dailyTokenQuota, monthlyTokenQuota, concurrentStreams, priceKrw };
}

export type AdminPlan = PlanView & { sortOrder: number; createdAt: string; updatedAt: string };

export function toAdminPlan(row: PlanRow): AdminPlan {
  return { ...toPlan(row), sortOrder: row.sortOrder, createdAt: iso(row.createdAt), updatedAt: iso(row.updatedAt) };
}

export type Grant = { id: string; tokens: number; reason: string; expiresAt: string; createdAt: string; createdBy: string };

export function toGrant(row: QuotaGrantRow): Grant {
  return { id: row.id, tokens: row.tokens, reason: row.reason, expiresAt: iso(row.expiresAt), createdAt: iso(row.createdAt), createdBy: row.createdBy };
}

export type UsageRow = {
  id: string;
  traceId: string;
  clientTraceId: string | null;
  userId: string;
  conversationId: string | null;
  messageId: string | null;
  model: string;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  estimated: boolean;
  status: string;
  errorCode: string | null;
  ttftMs: number | null;
  durationMs: number;
  createdAt: string;
};

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
