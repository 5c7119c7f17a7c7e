import type { MessageKey } from '@/lib/i18n/messages';

/** What the chat page's keyboard shortcuts do. */
export type ShortcutAction = 'newChat' | 'focusComposer' | 'stop' | 'search' | 'help';

type Shortcut = {
  action: ShortcutAction;
  /** What the help dialog says it does. */
  label: MessageKey;
  /** The keys, as the help dialog shows them ("Mod" is ⌘ on Apple devices, Ctrl elsewhere). */
  keys: readonly string[];
  matches: (e: KeyboardEvent) => boolean;
};

const mod = (e: KeyboardEvent) => e.ctrlKey || e.metaKey;

/**
 * The chat page's shortcuts, the ones ChatGPT users know where there is one; none of them is a
 * browser's own (Ctrl+K and Ctrl+/ are free in Chromium, Firefox and Safari on a page).
 */
export const SHORTCUTS: readonly Shortcut[] = [
  { action: 'newChat', label: 'shortcuts.newChat', keys: ['Mod', 'Shift', 'O'], matches: (e) => mod(e) && e.shiftKey && e.key.toLowerCase() === 'o' },
  { action: 'focusComposer', label: 'shortcuts.focusComposer', keys: ['Shift', 'Esc'], matches: (e) => e.shiftKey && !mod(e) && e.key === 'Escape' },
  { action: 'stop', label: 'shortcuts.stop', keys: ['Esc'], matches: (e) => !e.shiftKey && !mod(e) && e.key === 'Escape' },
  { action: 'search', label: 'shortcuts.search', keys: ['Mod', 'K'], matches: (e) => mod(e) && !e.shiftKey && e.key.toLowerCase() === 'k' },
  { action: 'help', label: 'shortcuts.help', keys: ['Mod', '/'], matches: (e) => mod(e) && e.key === '/' },
];

export function shortcutFor(e: KeyboardEvent): ShortcutAction | null {
  return SHORTCUTS.find((s) => s.matches(e))?.action ?? null;
}
