-- Whether the login provider vouched for the user's email (worker-api/src/db/schema.ts
-- `users.email_verified`): ADMIN_EMAILS promotes only a verified address. Existing users
-- count as unverified until their next sign-in reports what the provider says.
ALTER TABLE users ADD COLUMN email_verified INTEGER NOT NULL DEFAULT 0;
