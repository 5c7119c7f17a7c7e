import type { ListableStore } from '../inventory';

/** What every verb gets: the store, a clock, and the two output streams. */
export interface VerbContext {
  store: ListableStore;
  now: () => Date;
  /** Results meant for scripts (stdout). */
  print: (line: string) => void;
  /** Progress and advice for the operator (stderr). */
  log: (line: string) => void;
  /** KEY_WRAPPING_SECRET, resolved only by the verbs that need it. */
  secret: () => string;
}
