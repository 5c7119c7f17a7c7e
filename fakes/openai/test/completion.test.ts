import OpenAI, { BadRequestError, NotFoundError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeOpenAI } from '../src/server';
import { chat, KEY, startFake } from './support';

let fake: FakeOpenAI;
let client: OpenAI;

beforeAll(async () => {
  ({ fake, client } = await startFake());
});
afterAll(() => fake.close());

describe('a chat completion without streaming', () => {
  it('answers a chat.completion object with message, finish_reason and usage', async () => {
    const res = await chat(fake, { stream: false, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }] });
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = (await res.json()) as Record<string, unknown>;
    const promptTokens = Math.ceil('Be brief.'.length / 4) + 4 + Math.ceil('hi'.length / 4) + 4;
    expect(body).toEqual({
      id: expect.stringMatching(/^chatcmpl-/),
      object: 'chat.completion',
      created: expect.any(Number),
      model: 'gpt-4o-mini',
      system_fingerprint: expect.any(String),
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'You said: “hi”. This is a', refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: promptTokens, completion_tokens: 6, total_tokens: promptTokens + 6 },
    });
  });

  it('is read by the official SDK, and cut to max_tokens with length', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], max_tokens: 3 });
    expect(completion.choices[0]?.message.content).toBe('You said: “hi”.');
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.usage?.completion_tokens).toBe(3);
  });

  it('answers the last user message, reading text parts of array content', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: 'first answer' },
        { role: 'user', content: [{ type: 'text', text: 'second question' }] },
      ],
    });
    expect(completion.choices[0]?.message.content).toContain('“second question”');
  });
});

describe('request validation', () => {
  async function rejected(body: Record<string, unknown> | string): Promise<{ status: number; error: Record<string, unknown> }> {
    const res = await fetch(`${fake.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, error: ((await res.json()) as { error: Record<string, unknown> }).error };
  }

  it.each([
    ['no model', { messages: [{ role: 'user', content: 'x' }] }, null, null],
    ['no messages', { model: 'gpt-4o-mini' }, 'messages', 'missing_required_parameter'],
    ['empty messages', { model: 'gpt-4o-mini', messages: [] }, 'messages', 'empty_array'],
    ['a message without role', { model: 'gpt-4o-mini', messages: [{ content: 'x' }] }, 'messages[0].role', 'missing_required_parameter'],
    ['max_tokens 0', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], max_tokens: 0 }, 'max_tokens', 'integer_below_min_value'],
    ['max_completion_tokens as text', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], max_completion_tokens: '5' }, 'max_completion_tokens', 'invalid_type'],
  ])('refuses %s with 400 in OpenAI shape', async (_, body, param, code) => {
    const { status, error } = await rejected(body);
    expect(status).toBe(400);
    expect(error).toEqual({ message: expect.any(String), type: 'invalid_request_error', param, code });
  });

  it('refuses a body that is not JSON', async () => {
    const { status, error } = await rejected('{"model":');
    expect(status).toBe(400);
    expect(error.message).toMatch(/could not parse the JSON body/);
  });

  it('surfaces as BadRequestError in the SDK and is not counted as a request', async () => {
    const before = fake.stats().requests;
    await expect(client.chat.completions.create({ model: '', messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(BadRequestError);
    expect(fake.stats().requests).toBe(before);
  });
});

describe('models', () => {
  it('lists models in OpenAI list shape', async () => {
    const res = await fetch(`${fake.url}/models`, { headers: { authorization: `Bearer ${KEY}` } });
    const body = (await res.json()) as { object: string; data: unknown[] };
    expect(body.object).toBe('list');
    expect(body.data).toContainEqual({ id: 'gpt-4o-mini', object: 'model', created: expect.any(Number), owned_by: 'system' });
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain('gpt-4o');
  });

  it('retrieves one model, and 404s an unknown one', async () => {
    expect(await client.models.retrieve('gpt-4o-mini')).toMatchObject({ id: 'gpt-4o-mini', object: 'model' });
    const err = await client.models.retrieve('gpt-nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).code).toBe('model_not_found');
  });
});
