import { redirect } from 'next/navigation';
import { auth } from '@/lib/next-auth';
import { safeCallbackUrl } from '@/lib/callback-url';
import { LandingCard } from './landing-card';
import { pageTitle } from '@/lib/i18n/metadata';

export const generateMetadata = pageTitle('landing.title');

export default async function LandingPage({ searchParams }: { searchParams: Promise<{ error?: string; callbackUrl?: string | string[] }> }) {
  const { error, callbackUrl } = await searchParams;
  const session = await auth();
  if (session?.claims) redirect(session.claims.onboarded ? safeCallbackUrl(callbackUrl) : '/onboarding');
  return <LandingCard failed={error !== undefined} callbackUrl={safeCallbackUrl(callbackUrl)} />;
}
