import { describe, expect, it } from 'vitest';
import { conversationIdOf, conversationPath, NEW_CHAT_PATH } from './conversation-path';

describe('conversation paths', () => {
  it('names the conversation of /chat/<id>, and none for a new chat or another page', () => {
    expect(conversationIdOf('/chat/conv_1')).toBe('conv_1');
    expect(conversationIdOf('/chat/conv_1/')).toBe('conv_1');
    expect(conversationIdOf(NEW_CHAT_PATH)).toBeNull();
    expect(conversationIdOf('/chat/')).toBeNull();
    expect(conversationIdOf('/usage')).toBeNull();
    expect(conversationIdOf('/chat/a/b')).toBeNull();
  });

  it('round-trips an id through its path, escaped', () => {
    for (const id of ['conv_01HZ', 'a b', '대화']) expect(conversationIdOf(conversationPath(id))).toBe(id);
    expect(conversationPath('a/b')).toBe('/chat/a%2Fb');
  });
});
