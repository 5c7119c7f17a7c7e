import { describe, expect, it } from 'vitest';
import { DEFAULT_KNOBS, KnobError, knobsFromConfig, knobsFromDirective, knobsFromEnv, knobsFromHeaders, KnobSettings } from '../src/knobs';
import { answerTokens, countPromptTokens } from '../src/tokens';

describe('knob parsing', () => {
  it('reads every knob from a directive, a bare name meaning 1, and strips the directive', () => {
    expect(knobsFromDirective('a [[fake ttft=500 gap=10 tokens=5 fail_after=3 fail_mode=drop status=429 limit=tokens hang garbage=0]] b')).toEqual({
      knobs: { ttftMs: 500, gapMs: 10, tokens: 5, failAfter: 3, failMode: 'drop', status: 429, limit: 'tokens', hang: true, garbage: false },
      text: 'a b',
    });
    expect(knobsFromDirective('no knobs here')).toEqual({ knobs: {}, text: 'no knobs here' });
  });

  it('reads the x-fake-* headers', () => {
    expect(
      knobsFromHeaders({
        'x-fake-ttft-ms': '1',
        'x-fake-gap-ms': '2',
        'x-fake-tokens': '3',
        'x-fake-status': '500',
        'x-fake-fail-after': '4',
        'x-fake-fail-mode': 'error',
        'x-fake-hang': 'true',
        'x-fake-garbage': '1',
        'x-other': 'ignored',
      }),
    ).toEqual({ ttftMs: 1, gapMs: 2, tokens: 3, status: 500, failAfter: 4, failMode: 'error', hang: true, garbage: true });
  });

  it.each(['ttft=1.5', 'tokens=-1', 'status=200', 'hang=yes', 'fail_mode=boom', 'gap='])('refuses %s', (pair) => {
    expect(() => knobsFromDirective(`[[fake ${pair}]]`)).toThrow(KnobError);
  });

  it('reads the CLI environment and refuses nonsense there too', () => {
    expect(knobsFromEnv({ FAKE_OPENAI_TTFT_MS: '0', FAKE_OPENAI_GAP_MS: '', FAKE_OPENAI_TOKENS: '7' })).toEqual({ ttftMs: 0, gapMs: undefined, tokens: 7 });
    expect(() => knobsFromEnv({ FAKE_OPENAI_GAP_MS: 'fast' })).toThrow(/FAKE_OPENAI_GAP_MS/);
  });

  it('reads a config body, null meaning "back to the default"', () => {
    expect(knobsFromConfig({ ttftMs: 10, hang: true, status: null })).toEqual({ set: { ttftMs: 10, hang: true }, clear: ['status'] });
  });
});

describe('knob layering', () => {
  it('puts request over runtime over server options over built-in defaults', () => {
    const settings = new KnobSettings({ ttftMs: 1, gapMs: undefined });
    expect(settings.defaults()).toEqual({ ...DEFAULT_KNOBS, ttftMs: 1 });
    settings.configure({ set: { ttftMs: 2, tokens: 3, status: 503 }, clear: [] });
    expect(settings.forRequest({ tokens: 4 }, { status: 429 })).toMatchObject({ ttftMs: 2, tokens: 4, status: 429, gapMs: DEFAULT_KNOBS.gapMs });
    settings.configure({ set: {}, clear: ['status', 'ttftMs'] });
    expect(settings.defaults()).toEqual({ ...DEFAULT_KNOBS, ttftMs: 1, tokens: 3 });
    settings.reset();
    expect(settings.defaults()).toEqual({ ...DEFAULT_KNOBS, ttftMs: 1 });
  });
});

describe('tokens', () => {
  it('answers exactly n word tokens with leading spaces, quoting the question, the same every time', () => {
    const tokens = answerTokens('what is   the weather', 8);
    expect(tokens).toEqual(['You', ' said:', ' “what', ' is', ' the', ' weather”.', ' This', ' is']);
    expect(answerTokens('what is   the weather', 8)).toEqual(tokens);
    expect(answerTokens('', 3).join('')).toBe('You said nothing.');
    expect(answerTokens('x', 0)).toEqual([]);
    const long = answerTokens('x', 500);
    expect(long).toHaveLength(500);
    expect(long.every((t, i) => (i === 0 ? !t.startsWith(' ') : /^ \S+$/.test(t)))).toBe(true);
  });

  it('estimates prompt tokens as ceil(chars / 4) + 4 per message', () => {
    expect(countPromptTokens([{ content: '' }])).toBe(4);
    expect(countPromptTokens([{ content: 'abcde' }, { content: 'abcd' }])).toBe(2 + 4 + 1 + 4);
  });
});
