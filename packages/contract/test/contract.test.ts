import { describe, expect, it } from 'vitest';
import { customerKeyFor, readErrorBody, TRACE_ID_PATTERN } from '../src/index';

describe('readErrorBody', () => {
  it('reads the contract error body', () => {
    expect(readErrorBody({ error: { code: 'not_found', message: 'No such conversation', traceId: 'trace-1234567' } })).toEqual({
      code: 'not_found',
      message: 'No such conversation',
      traceId: 'trace-1234567',
    });
  });

  it('reads a missing trace id as empty', () => {
    expect(readErrorBody({ error: { code: 'conflict', message: 'x' } })).toEqual({ code: 'conflict', message: 'x', traceId: '' });
  });

  it('refuses anything else', () => {
    for (const value of [null, undefined, '<html>Bad gateway</html>', 42, [], {}, { error: 'nope' }, { error: null }, { error: { code: 1, message: 'x' } }, { error: { code: 'x' } }]) {
      expect(readErrorBody(value), JSON.stringify(value)).toBeNull();
    }
  });
});

describe('shared facts', () => {
  it('accepts plain trace ids and refuses header-breaking ones', () => {
    expect(TRACE_ID_PATTERN.test('4bf92f3577b34da6a3ce929d0e0e4736')).toBe(true);
    expect(TRACE_ID_PATTERN.test('trace-abc-12345678')).toBe(true);
    expect(TRACE_ID_PATTERN.test('short')).toBe(false);
    expect(TRACE_ID_PATTERN.test('x\u0001 <script>')).toBe(false);
    expect(TRACE_ID_PATTERN.test(`a${'b'.repeat(128)}`)).toBe(false);
  });

  it('derives the Toss customer key from the user id', () => {
    expect(customerKeyFor('usr_0mf3k2x1a7')).toBe('cus_usr_0mf3k2x1a7');
  });
});
