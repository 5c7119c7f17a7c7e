import { ApiError } from './errors';

/** A position in a list ordered by time then id: the last row of the page before. */
export type TimeCursor = { at: number; id: string };

/** `at:id`, where `at` may carry fractions of a ms (rows that took the column default do). */
const CURSOR_TEXT = /^(\d{1,16}(?:\.\d{1,8})?):([A-Za-z0-9_-]{1,128})$/;

/** Opaque to callers: base64url of `at:id`, so the encoding can change without breaking them. */
export function encodeCursor(cursor: TimeCursor | undefined): string | null {
  if (!cursor) return null;
  return btoa(`${cursor.at}:${cursor.id}`).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** The cursor a previous page returned; anything else is a 400 naming `field`. */
export function decodeCursor(cursor: string | undefined, field = 'query.cursor'): TimeCursor | undefined {
  if (cursor === undefined) return undefined;
  const invalid = new ApiError(400, 'invalid_request', `${field}: not a cursor this API issued`);
  if (!/^[A-Za-z0-9_-]{1,256}$/.test(cursor)) throw invalid;
  let text: string;
  try {
    text = atob(cursor.replaceAll('-', '+').replaceAll('_', '/'));
  } catch {
    throw invalid;
  }
  const match = CURSOR_TEXT.exec(text);
  if (!match?.[1] || !match[2]) throw invalid;
  return { at: Number(match[1]), id: match[2] };
}
