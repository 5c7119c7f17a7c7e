import type { ConversationRow, MessageRow } from '../db/schema';

export type TranscriptMessage = Pick<MessageRow, 'id' | 'role' | 'content' | 'model' | 'createdAt'>;

/** The conversation's own fields as the API shows them (`toConversation` in its route). */
export type ConversationHeader = { id: string; title: string; model: string | null; createdAt: string; updatedAt: string };

/** A conversation's selected path as a portable record: what a JSON export holds. */
export function transcriptJson(conversation: ConversationHeader, path: readonly TranscriptMessage[]) {
  return { ...conversation, messages: path.map((m) => ({ id: m.id, role: m.role, content: m.content, model: m.model, createdAt: new Date(m.createdAt).toISOString() })) };
}

const SPEAKER: Record<MessageRow['role'], string> = { user: 'You', assistant: 'Assistant', system: 'System' };

/**
 * The selected path as Markdown: the title, then each turn under its speaker. Answers are
 * Markdown already and stay as written; a turn is set off by a rule, so a heading inside
 * one cannot pass for the next speaker.
 */
export function transcriptMarkdown(conversation: Pick<ConversationRow, 'title' | 'createdAt'>, path: readonly TranscriptMessage[]): string {
  const turns = path.map((m) => {
    const who = m.role === 'assistant' && m.model ? `${SPEAKER[m.role]} (${m.model})` : SPEAKER[m.role];
    return `### ${who}\n\n${m.content}\n`;
  });
  return [`# ${conversation.title.replace(/\s+/g, ' ')}\n\n_${new Date(conversation.createdAt).toISOString()}_\n`, ...turns].join('\n---\n\n');
}

/** A download name from the title: what a file system accepts everywhere, and never empty. */
export function exportFileName(title: string, extension: 'md' | 'json'): string {
  const base = title.replace(/[\\/:*?"<>|\p{Cc}]+/gu, ' ').trim().replace(/\s+/g, '-').slice(0, 80) || 'conversation';
  return `${base}.${extension}`;
}
