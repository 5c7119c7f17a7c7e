import { describe, expect, it } from 'vitest';
import { translator } from './translator';

describe('translator', () => {
  it('fills placeholders', () => {
    expect(translator('en')('plans.choose', { plan: 'Pro' })).toBe('Choose Pro');
  });

  it('picks the plural form for the count, per language', () => {
    const en = translator('en');
    expect(en.plural('plans.streams', 1)).toBe('1 answer at a time');
    expect(en.plural('plans.streams', 3)).toBe('3 answers at a time');
    expect(en.plural('plans.streams', 0)).toBe('0 answers at a time');
    // Korean has one form.
    expect(translator('ko').plural('plans.streams', 1)).toBe('동시에 답변 1개');
    expect(translator('ko').plural('plans.streams', 10)).toBe('동시에 답변 10개');
  });
});
