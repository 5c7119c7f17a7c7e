import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

const createdAt = () =>
  integer('created_at', { mode: 'number' })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`);

/** A person who can sign in; `id` is the `sub` of their tokens. */
export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    email: text('email'),
    name: text('name'),
    image: text('image'),
    /** JSON array of role names, e.g. ["user"] or ["user","admin"]. */
    roles: text('roles', { mode: 'json' }).$type<string[]>().notNull().default(sql`'["user"]'`),
    onboarded: integer('onboarded', { mode: 'boolean' }).notNull().default(false),
    locale: text('locale'),
    /** The plan whose limits apply (`plans.id`); every user starts on `free`. */
    planId: text('plan_id').notNull().default('free'),
    termsAcceptedAt: integer('terms_accepted_at', { mode: 'number' }),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'number' })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [index('users_email_idx').on(t.email)],
);

/** Links an identity at a login provider (Kakao) to a user; one user per provider account. */
export const providerAccounts = sqliteTable(
  'provider_accounts',
  {
    provider: text('provider').notNull(),
    providerAccountId: text('provider_account_id').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.providerAccountId] }), index('provider_accounts_user_idx').on(t.userId)],
);

export type UserRow = typeof users.$inferSelect;

/** What a plan allows and costs; policy as data, edited by operators. */
export const plans = sqliteTable('plans', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** JSON array of OpenAI model ids this plan may use; the first is the default. */
  models: text('models', { mode: 'json' }).$type<string[]>().notNull(),
  maxTokensPerRequest: integer('max_tokens_per_request').notNull(),
  dailyTokenQuota: integer('daily_token_quota').notNull(),
  monthlyTokenQuota: integer('monthly_token_quota').notNull(),
  concurrentStreams: integer('concurrent_streams').notNull(),
  priceKrw: integer('price_krw').notNull(),
  sortOrder: integer('sort_order').notNull().default(0),
  createdAt: createdAt(),
  updatedAt: integer('updated_at', { mode: 'number' })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`),
});

export type PlanRow = typeof plans.$inferSelect;

/** A chat thread, owned by one user. */
export const conversations = sqliteTable(
  'conversations',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    model: text('model'),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'number' })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [index('conversations_user_updated_idx').on(t.userId, t.updatedAt, t.id)],
);

export type ConversationRow = typeof conversations.$inferSelect;

/** One turn of a conversation; assistant turns record how they ended and what they cost. */
export const messages = sqliteTable(
  'messages',
  {
    id: text('id').primaryKey(),
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['user', 'assistant', 'system'] }).notNull(),
    content: text('content').notNull(),
    model: text('model'),
    /** `stop`, `length`, `content_filter`, or `aborted` / `error` when the stream ended early. */
    finishReason: text('finish_reason'),
    promptTokens: integer('prompt_tokens'),
    completionTokens: integer('completion_tokens'),
    traceId: text('trace_id'),
    createdAt: createdAt(),
  },
  (t) => [index('messages_conversation_idx').on(t.conversationId, t.createdAt, t.id)],
);

export type MessageRow = typeof messages.$inferSelect;

/**
 * Tokens held for a stream in flight: counted against the quota until settled, and
 * the count of live ones is the user's concurrent streams. `expiresAt` frees the hold of
 * a stream whose isolate died before it could settle.
 */
export const reservations = sqliteTable(
  'reservations',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    tokens: integer('tokens').notNull(),
    createdAt: integer('created_at', { mode: 'number' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('reservations_user_idx').on(t.userId, t.expiresAt)],
);

/** The usage ledger and audit trail: one row per AI request, whatever its outcome. */
export const usageEvents = sqliteTable(
  'usage_events',
  {
    /** The reservation id: settling twice collides here, so it happens once. */
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    traceId: text('trace_id').notNull(),
    conversationId: text('conversation_id'),
    messageId: text('message_id'),
    model: text('model').notNull(),
    promptTokens: integer('prompt_tokens').notNull(),
    completionTokens: integer('completion_tokens').notNull(),
    totalTokens: integer('total_tokens').notNull(),
    /** True when upstream gave no usage (aborted, failed) and the counts are our estimate. */
    estimated: integer('estimated', { mode: 'boolean' }).notNull(),
    /** `ok`, `aborted`, `error`, `rejected`. */
    status: text('status').notNull(),
    errorCode: text('error_code'),
    ttftMs: integer('ttft_ms'),
    durationMs: integer('duration_ms').notNull(),
    createdAt: integer('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('usage_events_user_created_idx').on(t.userId, t.createdAt), index('usage_events_trace_idx').on(t.traceId)],
);

export type UsageEventRow = typeof usageEvents.$inferSelect;
