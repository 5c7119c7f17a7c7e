import NextAuth from 'next-auth';
import { authConfig } from './auth';

/**
 * Auth.js inside Next: the `/api/auth/*` handlers, and `auth()` for pages, layouts and
 * middleware. Kept apart from lib/auth.ts, which the built app's Worker entry imports without
 * Next around it.
 */
export const { handlers, auth } = NextAuth(() => authConfig());
