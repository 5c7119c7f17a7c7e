import type { Locale } from './locales';
import type { MessageKey, Messages, PluralKey } from './messages';

type Vars = Record<string, string | number>;

/**
 * `t(key, vars)` fills `{name}` placeholders; `t.plural(key, count, vars)` also picks the
 * plural form for `count`; `t.has(key)` says whether a key (an error code's) has a message.
 */
export type Translate = ((key: MessageKey, vars?: Vars) => string) & { plural: (key: PluralKey, count: number, vars?: Vars) => string; has: (key: string) => key is MessageKey };

function fill(text: string, vars: Vars | undefined): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (vars && name in vars ? String(vars[name]) : whole));
}

/** A translator over one locale's messages (the server's from `translator.ts`, the browser's from PreferencesProvider). */
export function translatorOf(locale: Locale, messages: Messages): Translate {
  const rules = new Intl.PluralRules(locale);
  const plural = (key: PluralKey, count: number, vars?: Vars) => {
    const form = messages[`${key}.${rules.select(count)}` as keyof typeof messages] ?? messages[`${key}.other`];
    return fill(form, { count, ...vars });
  };
  const has = (key: string): key is MessageKey => key in messages;
  return Object.assign((key: MessageKey, vars?: Vars) => fill(messages[key], vars), { plural, has });
}

/** The message key for a Worker or BFF error code; unknown codes get a generic message. */
export function errorKey(code: string, t: Translate): MessageKey {
  const key = `error.${code}`;
  return t.has(key) ? key : 'error.unknown';
}
