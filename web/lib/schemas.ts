import { z } from 'zod/mini';

/**
 * The Worker's response bodies the app reads (contract section 5), validated where they
 * enter: in the BFF for server-side calls, in lib/api.ts for the browser's.
 */

export const ApiErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), traceId: z._default(z.string(), '') }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

export const ProvisionedUser = z.object({
  id: z.string(),
  roles: z.array(z.string()),
  scopes: z.array(z.string()),
  onboarded: z.boolean(),
});
export type ProvisionedUser = z.infer<typeof ProvisionedUser>;

export const QuotaWindow = z.object({
  limit: z.number(),
  used: z.number(),
  reserved: z._default(z.number(), 0),
  remaining: z.number(),
  resetAt: z.string(),
});
export type QuotaWindow = z.infer<typeof QuotaWindow>;

export const Profile = z.object({
  id: z.string(),
  email: z.nullable(z.string()),
  name: z.nullable(z.string()),
  image: z.nullable(z.string()),
  roles: z.array(z.string()),
  scopes: z.array(z.string()),
  onboarded: z.boolean(),
  locale: z.nullable(z.string()),
  plan: z.object({
    id: z.string(),
    name: z.string(),
    models: z.array(z.string()),
    maxTokensPerRequest: z.number(),
    concurrentStreams: z.number(),
    priceKrw: z.number(),
  }),
  quota: z.object({ daily: QuotaWindow, monthly: QuotaWindow }),
});
export type Profile = z.infer<typeof Profile>;

export const Models = z.object({
  plan: z.string(),
  defaultModel: z.string(),
  maxTokensPerRequest: z.number(),
  models: z.array(z.object({ id: z.string() })),
});
export type Models = z.infer<typeof Models>;

export const Conversation = z.object({
  id: z.string(),
  title: z.string(),
  model: z.nullable(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Conversation = z.infer<typeof Conversation>;

export const ConversationPage = z.object({
  items: z.array(Conversation),
  nextCursor: z.nullable(z.string()),
});
export type ConversationPage = z.infer<typeof ConversationPage>;

export const Message = z.object({
  id: z.string(),
  role: z.enum(['user', 'assistant', 'system']),
  content: z.string(),
  model: z.nullable(z.string()),
  createdAt: z.string(),
});
export type Message = z.infer<typeof Message>;

/** The answer of a conversation still being written on the server (contract section 6). */
export const ActiveGeneration = z.object({ id: z.string(), messageId: z.string() });
export type ActiveGeneration = z.infer<typeof ActiveGeneration>;

export const ConversationDetail = z.extend(Conversation, { messages: z.array(Message), activeGeneration: z.optional(z.nullable(ActiveGeneration)) });
export type ConversationDetail = z.infer<typeof ConversationDetail>;

const UsageDay = z.object({
  date: z.string(),
  requests: z.number(),
  promptTokens: z.number(),
  completionTokens: z.number(),
  totalTokens: z.number(),
});
export const Usage = z.object({
  from: z.string(),
  to: z.string(),
  days: z.array(UsageDay),
  totals: z.omit(UsageDay, { date: true }),
});
export type Usage = z.infer<typeof Usage>;

/** The stream's events (contract section 6). */
export const StreamMeta = z.object({ generationId: z.string(), conversationId: z.string(), messageId: z.string(), model: z.string(), traceId: z.string() });
export const StreamDelta = z.object({ content: z.string() });
export const StreamUsage = z.object({ promptTokens: z.number(), completionTokens: z.number(), totalTokens: z.number() });
export const StreamDone = z.object({ finishReason: z.optional(z.nullable(z.string())) });
export const StreamError = z.object({ code: z.string(), message: z.string() });
/** The answer of `POST /ai/generations/:id/stop`: the generation's final status. */
export const StopResult = z.object({ generationId: z.string(), status: z.string() });

/** Billing (contract section 5): plans for sale, the user's plan, subscription and payments. */
export const Plan = z.object({
  id: z.string(),
  name: z.string(),
  priceKrw: z.number(),
  models: z.array(z.string()),
  maxTokensPerRequest: z.number(),
  dailyTokenQuota: z.number(),
  monthlyTokenQuota: z.number(),
  concurrentStreams: z.number(),
});
export type Plan = z.infer<typeof Plan>;
export const Plans = z.object({ plans: z.array(Plan) });

export const PlanState = z.object({ id: z.string(), name: z.string(), expiresAt: z.nullable(z.string()) });
export type PlanState = z.infer<typeof PlanState>;

export const Payment = z.object({
  paymentKey: z.string(),
  orderId: z.string(),
  orderName: z.string(),
  planId: z.string(),
  kind: z.enum(['one_time', 'subscription']),
  method: z.nullable(z.string()),
  status: z.string(),
  amount: z.number(),
  approvedAt: z.nullable(z.string()),
  receiptUrl: z.nullable(z.string()),
  virtualAccount: z.nullable(z.object({ accountNumber: z.string(), bankCode: z.string(), dueDate: z.string() })),
});
export type Payment = z.infer<typeof Payment>;
export const Payments = z.object({ payments: z.array(Payment) });

export const Subscription = z.object({
  id: z.string(),
  planId: z.string(),
  status: z.enum(['active', 'past_due', 'canceled']),
  cardNumber: z.nullable(z.string()),
  currentPeriodStart: z.string(),
  currentPeriodEnd: z.string(),
  nextChargeAt: z.nullable(z.string()),
  cancelAtPeriodEnd: z.boolean(),
  failedAttempts: z.number(),
  lastError: z.nullable(z.string()),
  endedAt: z.nullable(z.string()),
});
export type Subscription = z.infer<typeof Subscription>;
export const SubscriptionState = z.object({ subscription: z.nullable(Subscription), plan: PlanState });
export type SubscriptionState = z.infer<typeof SubscriptionState>;

export const Order = z.object({ orderId: z.string(), amount: z.number(), orderName: z.string(), customerKey: z.string(), planId: z.string() });
export type Order = z.infer<typeof Order>;

export const Confirmation = z.object({ payment: Payment, plan: PlanState });
export type Confirmation = z.infer<typeof Confirmation>;
