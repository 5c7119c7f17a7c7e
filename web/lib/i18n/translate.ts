import { MESSAGES, type Locale, type MessageKey, type PluralKey } from './messages';

type Vars = Record<string, string | number>;

/** `t(key, vars)` fills `{name}` placeholders; `t.plural(key, count, vars)` also picks the plural form for `count`. */
export type Translate = ((key: MessageKey, vars?: Vars) => string) & { plural: (key: PluralKey, count: number, vars?: Vars) => string };

function fill(text: string, vars: Vars | undefined): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (vars && name in vars ? String(vars[name]) : whole));
}

/** A translator for one locale. */
export function translator(locale: Locale): Translate {
  const messages = MESSAGES[locale];
  const rules = new Intl.PluralRules(locale);
  const plural = (key: PluralKey, count: number, vars?: Vars) => {
    const form = messages[`${key}.${rules.select(count)}` as keyof typeof messages] ?? messages[`${key}.other`];
    return fill(form, { count, ...vars });
  };
  return Object.assign((key: MessageKey, vars?: Vars) => fill(messages[key], vars), { plural });
}

/** The message key for a Worker or BFF error code; unknown codes get a generic message. */
export function errorKey(code: string): MessageKey {
  const key = `error.${code}`;
  return key in MESSAGES.ko ? (key as MessageKey) : 'error.unknown';
}
