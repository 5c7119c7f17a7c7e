import { describe, expect, it } from 'vitest';
import { formatMicros } from './format';

describe('formatMicros', () => {
  it('shows a short answer’s cost instead of rounding it to zero', () => {
    expect(formatMicros('en-US', 'USD', 37)).toBe('$0.000037');
  });

  it('keeps cents for larger amounts, without trailing micro digits', () => {
    expect(formatMicros('en-US', 'USD', 12_300)).toBe('$0.0123');
    expect(formatMicros('en-US', 'USD', 12_300_000)).toBe('$12.30');
  });
});
