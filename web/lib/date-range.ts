/** UTC day ranges as the Worker's usage routes take them (`YYYY-MM-DD`, both ends included). */
export type DayRange = { from: string; to: string };

export function lastDays(days: number, now = new Date()): DayRange {
  const to = now.toISOString().slice(0, 10);
  const from = new Date(now.getTime() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
  return { from, to };
}
