'use client';

import { useMemo } from 'react';
import { usePreferences } from '../stores/preferences';
import { translator, type Translate } from './translate';

/** The translator of the user's chosen language. */
export function useT(): Translate {
  const locale = usePreferences((s) => s.locale);
  return useMemo(() => translator(locale), [locale]);
}
