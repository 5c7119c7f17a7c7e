import { ANSWER_LANGUAGES } from '@chat/contract';
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

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
    /** Whether the login provider marked `email` verified at the last sign-in that reported it. */
    emailVerified: integer('email_verified', { mode: 'boolean' }).notNull().default(false),
    name: text('name'),
    image: text('image'),
    /** JSON array of role names, e.g. ["user"] or ["user","admin"]. */
    roles: text('roles', { mode: 'json' }).$type<string[]>().notNull().default(sql`'["user"]'`),
    onboarded: integer('onboarded', { mode: 'boolean' }).notNull().default(false),
    locale: text('locale'),
    /** The plan whose limits apply (`plans.id`); every user starts on `free`. */
    planId: text('plan_id').notNull().default('free'),
    /** When a paid plan lapses (epoch ms); past it the user is on `free`. Null: no end (free, or set by hand). */
    planExpiresAt: integer('plan_expires_at', { mode: 'number' }),
    termsAcceptedAt: integer('terms_accepted_at', { mode: 'number' }),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'number' })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
    /** Set by an operator (epoch ms): every request with a user token is refused until cleared. */
    suspendedAt: integer('suspended_at', { mode: 'number' }),
    suspendedReason: text('suspended_reason'),
    /** Bumped by a sign-out: a web session minted under an older version ends at its next claims refresh. */
    sessionVersion: integer('session_version').notNull().default(0),
    /**
     * UTF-8 bytes of the user's messages, kept by triggers on `messages` and `conversations`
     * (migration 0012), so the storage cap reads one row whatever wrote the messages.
     */
    storedBytes: integer('stored_bytes').notNull().default(0),
  },
  (t) => [index('users_email_idx').on(t.email), index('users_created_idx').on(t.createdAt, t.id)],
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

/** How a user wants to be answered: sent as the system message of every new answer. No row: the defaults. */
export const userPreferences = sqliteTable('user_preferences', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  /** Free text the user wrote (custom instructions); empty for none. */
  instructions: text('instructions').notNull().default(''),
  /** The language answers are written in; null: the language the user writes in. */
  language: text('language', { enum: ANSWER_LANGUAGES }),
  /** Token estimate of the system message these preferences make, so an admission costs it in SQL. */
  systemTokens: integer('system_tokens', { mode: 'number' }).notNull(),
  updatedAt: integer('updated_at', { mode: 'number' }).notNull(),
});

export type UserPreferencesRow = typeof userPreferences.$inferSelect;

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

/** How a provider is reached: a plain OpenAI-compatible API, or one behind Cloudflare AI Gateway. */
export const PROVIDER_KINDS = ['openai', 'ai_gateway'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

/**
 * An OpenAI-compatible upstream. `apiKeySecret` names the Worker secret holding its key: keys
 * never go in D1. A null `baseUrl` is the Worker's `OPENAI_BASE_URL` (the default provider).
 */
export const providers = sqliteTable('providers', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  baseUrl: text('base_url'),
  apiKeySecret: text('api_key_secret').notNull(),
  /** Header name → value sent with every request to this provider (never a secret). */
  extraHeaders: text('extra_headers', { mode: 'json' }).$type<Record<string, string>>().notNull().default(sql`'{}'`),
  kind: text('kind', { enum: PROVIDER_KINDS }).notNull().default('openai'),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  createdAt: createdAt(),
  updatedAt: integer('updated_at', { mode: 'number' })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`),
});

export type ProviderRow = typeof providers.$inferSelect;

/**
 * A model users can pick (its `id` is what plans list), the provider serving it under
 * `upstreamModel`, its limits and prices. Prices are per million tokens in integer micro-units
 * of `priceCurrency`; `fallbacks` is the ordered list of model ids tried when it fails before
 * its first token.
 */
export const models = sqliteTable(
  'models',
  {
    id: text('id').primaryKey(),
    providerId: text('provider_id')
      .notNull()
      .references(() => providers.id),
    upstreamModel: text('upstream_model').notNull(),
    contextWindow: integer('context_window').notNull(),
    maxOutputTokens: integer('max_output_tokens').notNull(),
    inputPriceMicros: integer('input_price_micros').notNull().default(0),
    outputPriceMicros: integer('output_price_micros').notNull().default(0),
    priceCurrency: text('price_currency').notNull().default('USD'),
    fallbacks: text('fallbacks', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
    /** Usable as a fallback by every plan, not only plans that list it. */
    fallbackForAllPlans: integer('fallback_for_all_plans', { mode: 'boolean' }).notNull().default(false),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'number' })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [index('models_provider_idx').on(t.providerId)],
);

export type ModelRow = typeof models.$inferSelect;

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
    /** The last message of the path the conversation reads along (messages form a tree); null while it has none. */
    currentLeafId: text('current_leaf_id'),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'number' })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [index('conversations_user_updated_idx').on(t.userId, t.updatedAt, t.id)],
);

export type ConversationRow = typeof conversations.$inferSelect;

/**
 * One turn of a conversation; assistant turns record how they ended and what they cost.
 * Turns form a tree: an edited question is a sibling of the one it replaces, a regenerated
 * answer a sibling of the earlier answer.
 */
export const messages = sqliteTable(
  'messages',
  {
    id: text('id').primaryKey(),
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    /** The turn this one follows; null for the first turns (siblings of each other). */
    parentId: text('parent_id'),
    role: text('role', { enum: ['user', 'assistant', 'system'] }).notNull(),
    content: text('content').notNull(),
    model: text('model'),
    /** `stop`, `length`, `content_filter`, or `aborted` / `error` when the stream ended early. */
    finishReason: text('finish_reason'),
    promptTokens: integer('prompt_tokens'),
    completionTokens: integer('completion_tokens'),
    traceId: text('trace_id'),
    createdAt: createdAt(),
    /** The content's token estimate (`estimateTokens`), so a prompt can be costed in SQL; null on rows older than the column. */
    contentTokens: integer('content_tokens'),
    /**
     * How deep in the tree: 0 for a first turn, else the parent's + 1 (`depthUnder`), so a page of
     * a path stops where the page does. Nullable in SQL only for ALTER TABLE (migration 0015
     * backfills every row); required here, so no insert leaves it out.
     */
    depth: integer('depth').notNull(),
  },
  (t) => [
    index('messages_conversation_idx').on(t.conversationId, t.createdAt, t.id),
    index('messages_parent_idx').on(t.conversationId, t.parentId, t.createdAt, t.id),
  ],
);

export type MessageRow = typeof messages.$inferSelect;

// Search: `messages_fts` and `conversations_fts` (migration 0013) are FTS5 external-content
// indexes of `messages.content` and `conversations.title`, kept in step by triggers. drizzle
// cannot declare virtual tables; their only reader is `queries/search.ts`.

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
    /** The model admitted, decided by the statement that reserves; the rest of the admission batch reads it here. */
    model: text('model'),
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
    /** The request's trace id in the audit trail: unique per request (see `usageInsert`). */
    traceId: text('trace_id').notNull(),
    /** The X-Trace-Id the caller sent, kept as they sent it; null when they sent none. */
    clientTraceId: text('client_trace_id'),
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
    /** The model the user asked for; `model` is the one that answered (they differ after a fallback). */
    requestedModel: text('requested_model'),
    /** The provider that answered (or was last tried). */
    providerId: text('provider_id'),
    /** Upstream requests made for this answer: retries and fallbacks included. */
    attempts: integer('attempts').notNull().default(0),
    /** The last upstream failure seen, e.g. `503` or `timeout`, even when a later attempt answered. */
    lastUpstreamError: text('last_upstream_error'),
    /** Tokens × the answering model's prices as read at admission, in micro-units of `costCurrency`. */
    costMicros: integer('cost_micros').notNull().default(0),
    costCurrency: text('cost_currency'),
  },
  (t) => [
    index('usage_events_user_created_tokens_idx').on(t.userId, t.createdAt, t.totalTokens),
    index('usage_events_provider_created_idx').on(t.providerId, t.createdAt),
    index('usage_events_trace_idx').on(t.traceId),
    index('usage_events_created_idx').on(t.createdAt),
  ],
);

export type UsageEventRow = typeof usageEvents.$inferSelect;

/**
 * Each user's ledger tokens per UTC day, for the quota windows: kept by triggers on
 * `usage_events` (migrations/0018_usage_days.sql), never written by the Worker, so a month's
 * usage is at most 31 rows however many requests it had.
 */
export const usageDays = sqliteTable(
  'usage_days',
  {
    userId: text('user_id').notNull(),
    /** The UTC midnight the day starts at (epoch ms). */
    dayStart: integer('day_start', { mode: 'number' }).notNull(),
    totalTokens: integer('total_tokens').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.dayStart] })],
);

/**
 * A purchase priced by the server; `id` is the Toss `orderId`. A one-time order buys a month
 * of a plan; a subscription order is one charge attempt of one subscription period.
 */
export const orders = sqliteTable(
  'orders',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    planId: text('plan_id').notNull(),
    amount: integer('amount').notNull(),
    orderName: text('order_name').notNull(),
    kind: text('kind', { enum: ['one_time', 'subscription'] }).notNull(),
    /** `pending` until Toss approves; `waiting_for_deposit` for a virtual account; `paid`; `failed`, `canceled`, `expired` from Toss. */
    status: text('status', { enum: ['pending', 'waiting_for_deposit', 'paid', 'failed', 'canceled', 'expired'] })
      .notNull()
      .default('pending'),
    subscriptionId: text('subscription_id'),
    /** When the plan this order bought was granted; set in the same batch as the grant, so it happens once. */
    activatedAt: integer('activated_at', { mode: 'number' }),
    failureCode: text('failure_code'),
    failureMessage: text('failure_message'),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'number' })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [index('orders_user_created_idx').on(t.userId, t.createdAt), index('orders_subscription_idx').on(t.subscriptionId)],
);

export type OrderRow = typeof orders.$inferSelect;

/** A payment Toss approved (or holds for a deposit), as Toss last described it. */
export const payments = sqliteTable(
  'payments',
  {
    paymentKey: text('payment_key').primaryKey(),
    orderId: text('order_id').notNull(),
    userId: text('user_id').notNull(),
    /** Toss's label: `카드`, `가상계좌`, `간편결제`, … */
    method: text('method'),
    /** Toss's status: `WAITING_FOR_DEPOSIT`, `DONE`, `CANCELED`, … */
    status: text('status').notNull(),
    amount: integer('amount').notNull(),
    approvedAt: integer('approved_at', { mode: 'number' }),
    /** A virtual account's `secret`: deposit callbacks must quote it. */
    secret: text('secret'),
    /** The Payment object Toss last returned (without `secret`). */
    raw: text('raw', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'number' })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [index('payments_user_created_idx').on(t.userId, t.createdAt), index('payments_order_idx').on(t.orderId)],
);

export type PaymentRow = typeof payments.$inferSelect;

/**
 * A monthly renewal on a Toss billing key; one per user. Period `n` (1-based) covers
 * [anchor + n-1 months, anchor + n months), so month lengths never drift.
 */
export const subscriptions = sqliteTable(
  'subscriptions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    planId: text('plan_id').notNull(),
    /** The billing key, AES-GCM encrypted under `BILLING_KEY_SECRET`: it can charge the card. */
    billingKeyCiphertext: text('billing_key_ciphertext').notNull(),
    customerKey: text('customer_key').notNull(),
    /** Masked card number from Toss, for the UI. */
    cardNumber: text('card_number'),
    status: text('status', { enum: ['active', 'past_due', 'canceled'] }).notNull(),
    anchorAt: integer('anchor_at', { mode: 'number' }).notNull(),
    /** Periods paid so far; the current one. */
    period: integer('period').notNull(),
    currentPeriodStart: integer('current_period_start', { mode: 'number' }).notNull(),
    currentPeriodEnd: integer('current_period_end', { mode: 'number' }).notNull(),
    /** When the renewal cron next acts (charge, retry or end); null once canceled. */
    nextChargeAt: integer('next_charge_at', { mode: 'number' }),
    /** Declined renewal attempts for the period due; reset by a successful charge. */
    failedAttempts: integer('failed_attempts').notNull().default(0),
    cancelAtPeriodEnd: integer('cancel_at_period_end', { mode: 'boolean' }).notNull().default(false),
    /** The last failure, or why the subscription ended. */
    lastError: text('last_error'),
    endedAt: integer('ended_at', { mode: 'number' }),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'number' })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [uniqueIndex('subscriptions_user_idx').on(t.userId), index('subscriptions_due_idx').on(t.status, t.nextChargeAt)],
);

export type SubscriptionRow = typeof subscriptions.$inferSelect;

/**
 * Toss webhook events already applied, keyed by what they proved (e.g. a payment reaching
 * DONE): written in the same batch as the change, so a replay applies nothing.
 */
export const billingEvents = sqliteTable('billing_events', {
  eventKey: text('event_key').primaryKey(),
  eventType: text('event_type').notNull(),
  paymentKey: text('payment_key'),
  orderId: text('order_id'),
  status: text('status').notNull(),
  receivedAt: integer('received_at', { mode: 'number' }).notNull(),
});

/** When the webhook last asked Toss about one (payment, claimed status): the throttle on unauthenticated calls. */
export const webhookChecks = sqliteTable('webhook_checks', {
  checkKey: text('check_key').primaryKey(),
  checkedAt: integer('checked_at', { mode: 'number' }).notNull(),
});

/**
 * Tokens an operator added to a user's limits by hand: while live (`expiresAt` in the future)
 * they raise both the daily and the monthly limit; after that the limits are the plan's again.
 */
export const quotaGrants = sqliteTable(
  'quota_grants',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokens: integer('tokens').notNull(),
    reason: text('reason').notNull(),
    expiresAt: integer('expires_at', { mode: 'number' }).notNull(),
    createdAt: integer('created_at', { mode: 'number' }).notNull(),
    /** The admin's user id. */
    createdBy: text('created_by').notNull(),
  },
  (t) => [index('quota_grants_user_expires_idx').on(t.userId, t.expiresAt)],
);

export type QuotaGrantRow = typeof quotaGrants.$inferSelect;

/** The audit log of admin changes: who did what to which target, and the state before and after. */
/** What an admin change can be about. */
export const ADMIN_TARGET_TYPES = ['user', 'plan', 'provider', 'model'] as const;

export const adminActions = sqliteTable(
  'admin_actions',
  {
    id: text('id').primaryKey(),
    /** The admin's user id, or `config:ADMIN_EMAILS` for the first-admin promotion at sign-in. */
    actorId: text('actor_id').notNull(),
    /** e.g. `user.update`, `user.suspend`, `grant.create`, `plan.update`, `provider.update`, `model.create`. */
    action: text('action').notNull(),
    targetType: text('target_type', { enum: ADMIN_TARGET_TYPES }).notNull(),
    targetId: text('target_id').notNull(),
    before: text('before', { mode: 'json' }).$type<unknown>(),
    after: text('after', { mode: 'json' }).$type<unknown>(),
    createdAt: integer('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('admin_actions_target_created_idx').on(t.targetId, t.createdAt), index('admin_actions_created_idx').on(t.createdAt)],
);

export type AdminActionRow = typeof adminActions.$inferSelect;

/** How a generation stands: `running` until it ends `done`, `stopped` (asked to), `error` (the provider failed) or `aborted` (lost on our side). */
export const GENERATION_STATUSES = ['running', 'done', 'stopped', 'error', 'aborted'] as const;
export type GenerationStatus = (typeof GENERATION_STATUSES)[number];

/**
 * One answer being generated, or generated: its owner, where its message goes, and how it
 * stands. The events themselves live in the generation's Durable Object; this row is what
 * routes check ownership against, and what names a conversation's running answer.
 */
export const generations = sqliteTable(
  'generations',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    messageId: text('message_id').notNull(),
    model: text('model').notNull(),
    traceId: text('trace_id').notNull(),
    status: text('status', { enum: GENERATION_STATUSES }).notNull(),
    createdAt: integer('created_at', { mode: 'number' }).notNull(),
    endedAt: integer('ended_at', { mode: 'number' }),
  },
  (t) => [index('generations_conversation_idx').on(t.conversationId, t.status, t.createdAt)],
);

export type GenerationRow = typeof generations.$inferSelect;
