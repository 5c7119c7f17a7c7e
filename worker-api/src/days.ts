import { ApiError } from './http/errors';

export const DAY_MS = 86_400_000;
/** The longest range of days a usage report covers. */
export const MAX_RANGE_DAYS = 366;
/** The days a usage report covers when `from` is not given. */
export const DEFAULT_RANGE_DAYS = 30;

/** The UTC day of an instant, as `2026-11-24`. */
export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The UTC days [from, to] as epoch ms of their midnights: `to` defaults to today and `from`
 * to 29 days before it; longer than a year, or backwards, is a 400.
 */
export function dayRange(from: string | undefined, to: string | undefined, now = Date.now()): { fromDay: number; toDay: number } {
  const toDay = Date.parse(`${to ?? isoDay(now)}T00:00:00Z`);
  const fromDay = from ? Date.parse(`${from}T00:00:00Z`) : toDay - (DEFAULT_RANGE_DAYS - 1) * DAY_MS;
  if (fromDay > toDay) throw new ApiError(400, 'invalid_request', 'query.from: must not be after query.to');
  if ((toDay - fromDay) / DAY_MS + 1 > MAX_RANGE_DAYS) {
    throw new ApiError(400, 'invalid_request', `query.from: the range is limited to ${MAX_RANGE_DAYS} days`);
  }
  return { fromDay, toDay };
}
