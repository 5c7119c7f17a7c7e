import { describe, expect, it } from 'vitest';
import { shortcutFor } from './shortcuts';

const key = (key: string, mods: Partial<Pick<KeyboardEvent, 'ctrlKey' | 'metaKey' | 'shiftKey'>> = {}) => ({ key, ctrlKey: false, metaKey: false, shiftKey: false, ...mods }) as KeyboardEvent;

describe('chat shortcuts', () => {
  it('maps each shortcut, with Ctrl or ⌘', () => {
    expect(shortcutFor(key('O', { ctrlKey: true, shiftKey: true }))).toBe('newChat');
    expect(shortcutFor(key('o', { metaKey: true, shiftKey: true }))).toBe('newChat');
    expect(shortcutFor(key('Escape', { shiftKey: true }))).toBe('focusComposer');
    expect(shortcutFor(key('Escape'))).toBe('stop');
    expect(shortcutFor(key('k', { ctrlKey: true }))).toBe('search');
    expect(shortcutFor(key('/', { metaKey: true }))).toBe('help');
  });

  it('leaves plain typing and the browser its own keys', () => {
    expect(shortcutFor(key('k'))).toBeNull();
    expect(shortcutFor(key('o', { ctrlKey: true }))).toBeNull();
    expect(shortcutFor(key('K', { ctrlKey: true, shiftKey: true }))).toBeNull();
    expect(shortcutFor(key('Enter'))).toBeNull();
  });
});
