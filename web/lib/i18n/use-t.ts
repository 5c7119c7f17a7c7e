'use client';

import { useMemo } from 'react';
import { usePreferences } from '../stores/preferences';
import { translatorOf, type Translate } from './translate';

/** The translator of the user's chosen language. */
export function useT(): Translate {
  const locale = usePreferences((s) => s.locale);
  const messages = usePreferences((s) => s.messages);
  return useMemo(() => translatorOf(locale, messages), [locale, messages]);
}
