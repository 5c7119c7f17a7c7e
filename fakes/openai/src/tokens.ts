/**
 * Text the fake "generates" and the token counts it reports. Neither is a real tokenizer:
 * a completion token is one word with its leading space, and prompt tokens are estimated
 * as ceil(characters / 4) per message plus 4 for the message's role and framing, which is
 * close enough to OpenAI's numbers for quota and billing code to behave realistically.
 */

const TOKENS_PER_MESSAGE = 4;
/** Enough of the question to recognise which message an answer belongs to. */
const QUOTED_WORDS = 12;

const FILLER = 'This is a deterministic answer from the local fake OpenAI server, streamed one word at a time so you can watch it arrive.'.split(' ');

export function countPromptTokens(messages: readonly { content: string }[]): number {
  return messages.reduce((sum, m) => sum + Math.ceil(m.content.length / 4) + TOKENS_PER_MESSAGE, 0);
}

/**
 * Exactly `n` tokens that quote the start of `question` and then repeat a filler sentence;
 * the same question and `n` always give the same tokens, so tests can assert on them.
 */
export function answerTokens(question: string, n: number): string[] {
  const quoted = question.split(/\s+/).filter(Boolean).slice(0, QUOTED_WORDS);
  const opening = quoted.length === 0 ? ['You', 'said', 'nothing.'] : ['You', 'said:', `“${quoted.join(' ')}”.`.split(' ')].flat();
  return Array.from({ length: n }, (_, i) => {
    const word = i < opening.length ? opening[i] : FILLER[(i - opening.length) % FILLER.length];
    return (i === 0 ? '' : ' ') + (word ?? '');
  });
}
