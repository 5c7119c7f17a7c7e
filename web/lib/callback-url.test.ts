import { describe, expect, it } from 'vitest';
import { loginUrl, safeCallbackUrl } from './callback-url';

describe('safeCallbackUrl', () => {
  it('keeps a path of this app', () => {
    expect(safeCallbackUrl('/usage?x=1')).toBe('/usage?x=1');
    expect(safeCallbackUrl(['/account', '/usage'])).toBe('/account');
  });

  it('never leads to another origin', () => {
    for (const raw of ['https://evil.example/', '//evil.example', '/\\evil.example', 'javascript:alert(1)', '', undefined]) {
      expect(safeCallbackUrl(raw)).toBe('/chat');
    }
  });

  it('round-trips through the login URL', () => {
    const url = new URL(loginUrl('/billing?tab=1'), 'https://app.example');
    expect(url.pathname).toBe('/');
    expect(safeCallbackUrl(url.searchParams.get('callbackUrl') ?? undefined)).toBe('/billing?tab=1');
  });
});
