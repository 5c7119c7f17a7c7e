import { MAX_MESSAGE_CHARS } from '@chat/contract';
import { describe, expect, it } from 'vitest';
import { messageLength } from './message-length';

describe('messageLength', () => {
  it("uses the Worker's limit", () => {
    expect(messageLength('hi').limit).toBe(MAX_MESSAGE_CHARS);
  });

  it('shows no counter for an ordinary message', () => {
    expect(messageLength('안녕하세요')).toEqual({ count: 5, limit: MAX_MESSAGE_CHARS, over: 0, showCounter: false });
  });

  it('shows the counter near the limit, and the excess past it', () => {
    expect(messageLength('a'.repeat(26_000))).toMatchObject({ over: 0, showCounter: true });
    expect(messageLength('a'.repeat(MAX_MESSAGE_CHARS))).toMatchObject({ over: 0, showCounter: true });
    expect(messageLength('a'.repeat(40_000))).toMatchObject({ count: 40_000, over: 8_000, showCounter: true });
  });

  it('counts what would be sent: the trimmed text, in UTF-16 units as the Worker does', () => {
    expect(messageLength(`  ${'a'.repeat(10)}\n\n`, 10).over).toBe(0);
    expect(messageLength('😀', 1).over).toBe(1);
  });
});
