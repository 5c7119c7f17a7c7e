/**
 * `months` calendar months after `at` (UTC), the day clamped to the target month's last:
 * Jan 31 + 1 month is Feb 28 (or 29), not Mar 3.
 *
 * @example addMonths(Date.UTC(2026, 0, 31), 1) === Date.UTC(2026, 1, 28)
 */
export function addMonths(at: number, months: number): number {
  const d = new Date(at);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(year, month, Math.min(d.getUTCDate(), lastDay), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
}
