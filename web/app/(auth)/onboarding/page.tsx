import { redirect } from 'next/navigation';
import { auth } from '@/lib/next-auth';
import { OnboardingForm } from './onboarding-form';
import { pageTitle } from '@/lib/i18n/metadata';

export const generateMetadata = pageTitle('onboarding.title');

export default async function OnboardingPage() {
  const session = await auth();
  if (!session?.claims) redirect('/');
  if (session.claims.onboarded) redirect('/chat');
  return <OnboardingForm defaultName={session.user?.name ?? ''} />;
}
