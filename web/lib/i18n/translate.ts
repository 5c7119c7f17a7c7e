import { MESSAGES, type Locale, type MessageKey } from './messages';

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** A translator for one locale: `{name}` placeholders are filled from `vars`. */
export function translator(locale: Locale): Translate {
  const messages = MESSAGES[locale];
  return (key, vars) => messages[key].replace(/\{(\w+)\}/g, (whole, name: string) => (vars && name in vars ? String(vars[name]) : whole));
}

/** The message key for a Worker or BFF error code; unknown codes get a generic message. */
export function errorKey(code: string): MessageKey {
  const key = `error.${code}`;
  return key in MESSAGES.ko ? (key as MessageKey) : 'error.unknown';
}
