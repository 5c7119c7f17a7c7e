/** The same rough count the fake reports as usage: about four characters a token. */
export function countTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Prompt tokens as the fake reports them: each message's text plus a little framing. */
export function countPromptTokens(messages: readonly { content: string }[]): number {
  return messages.reduce((sum, m) => sum + 4 + countTokens(m.content), 3);
}

const FILLER = [
  'Here', 'is', 'a', 'streamed', 'answer', 'from', 'the', 'local', 'fake', 'model,', 'one', 'token', 'at', 'a', 'time,',
  'so', 'you', 'can', 'watch', 'it', 'arrive.',
];

/**
 * A deterministic answer of exactly `n` tokens (words with their leading space) that
 * mentions the question, so a reader can tell which message it answers.
 */
export function answerTokens(question: string, n: number): string[] {
  const words = question.split(/\s+/).filter(Boolean).slice(0, 8);
  const source = ['You', 'asked:', ...(words.length ? words.map((w) => `«${w}»`) : ['(nothing)']), '—', ...FILLER];
  const tokens: string[] = [];
  for (let i = 0; i < n; i++) tokens.push((i === 0 ? '' : ' ') + (source[i % source.length] ?? 'token'));
  return tokens;
}
