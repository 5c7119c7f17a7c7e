import { redirect } from 'next/navigation';
import { auth } from '@/lib/auth';
import { LandingCard } from './landing-card';

export default async function LandingPage({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  const session = await auth();
  if (session?.claims) redirect(session.claims.onboarded ? '/chat' : '/onboarding');
  const { error } = await searchParams;
  return <LandingCard failed={error !== undefined} />;
}
