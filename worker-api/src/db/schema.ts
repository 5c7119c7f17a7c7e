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
