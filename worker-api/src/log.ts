export type LogLevel = 'info' | 'warn' | 'error';

/**
 * Writes one structured line, `{level, event, ...fields}`, the shape Workers Logs indexes.
 *
 * @example log('error', 'renewal_deferred', { subscriptionId, error: String(err) })
 */
export function log(level: LogLevel, event: string, fields: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ level, event, ...fields }));
}
