/**
 * The audit row's before and after of an edit: only the fields the edit sets, as they were
 * and as they become.
 *
 * @example beforeAfter(plan, { priceKrw: 990 }) // { before: { priceKrw: 0 }, after: { priceKrw: 990 } }
 */
export function beforeAfter<Row extends object>(current: Row, changes: Partial<Row>): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const keys = (Object.keys(changes) as (keyof Row)[]).filter((k) => changes[k] !== undefined);
  return {
    before: Object.fromEntries(keys.map((k) => [k, current[k]])),
    after: Object.fromEntries(keys.map((k) => [k, changes[k]])),
  };
}

/**
 * The audit action of an edit to something that can be switched off: `<kind>.disable` or
 * `<kind>.enable` when the edit flips it, else `<kind>.update`, so the log reads as what happened.
 */
export function editAction(kind: 'provider' | 'model', wasEnabled: boolean, enabled: boolean | undefined): string {
  if (enabled === false && wasEnabled) return `${kind}.disable`;
  if (enabled === true && !wasEnabled) return `${kind}.enable`;
  return `${kind}.update`;
}
