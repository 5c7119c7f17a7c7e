'use client';

import { Moon, Sun } from 'lucide-react';
import { useId } from 'react';
import { Button } from '@/components/ui/button';
import { NativeSelect } from '@/components/ui/native-select';
import { LOCALES } from '@/lib/i18n/locales';
import { useT } from '@/lib/i18n/use-t';
import { usePreferences } from '@/lib/stores/preferences';

const LOCALE_NAMES = { ko: '한국어', en: 'English' } as const;

/** Language switcher and dark-mode toggle. */
export function PreferenceControls() {
  const t = useT();
  const { locale, theme, setLocale, setTheme } = usePreferences((s) => s);
  // The controls appear twice on a phone (header and menu sheet), so the label's target is unique per copy.
  const selectId = useId();
  return (
    <div className="flex items-center gap-2">
      <label className="sr-only" htmlFor={selectId}>
        {t('prefs.language')}
      </label>
      <NativeSelect id={selectId} value={locale} onChange={(e) => setLocale(e.target.value === 'en' ? 'en' : 'ko')}>
        {LOCALES.map((l) => (
          <option key={l} value={l}>
            {LOCALE_NAMES[l]}
          </option>
        ))}
      </NativeSelect>
      <Button
        variant="ghost"
        size="icon"
        aria-label={theme === 'dark' ? t('prefs.light') : t('prefs.dark')}
        title={t('prefs.theme')}
        onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
      >
        {theme === 'dark' ? <Sun aria-hidden /> : <Moon aria-hidden />}
      </Button>
    </div>
  );
}
