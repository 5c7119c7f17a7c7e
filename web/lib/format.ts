/** Number, money and date formatting in the user's language, in one place. */

export function formatNumber(locale: string, value: number): string {
  return new Intl.NumberFormat(locale).format(value);
}

export function formatKrw(locale: string, amount: number): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency: 'KRW' }).format(amount);
}

/** An amount of `currency` with up to `fractions` decimals: an answer's cost is a fraction of a cent or a won. */
export function formatMoney(locale: string, currency: string, amount: number, fractions = 4): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: fractions }).format(amount);
}

/**
 * A cost the Worker gives in micro-units of its currency (12300 USD micros is US$0.0123). Shown
 * to the micro-unit: one short answer costs a few dozen micros, which four decimals would round
 * to nothing.
 */
export function formatMicros(locale: string, currency: string, micros: number): string {
  return formatMoney(locale, currency, micros / 1_000_000, 6);
}

export function formatDate(locale: string, iso: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(new Date(iso));
}

export function formatDateTime(locale: string, iso: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}
