import { invalidRequest } from './errors';

/** The parts of a chat completion request the fake acts on; other fields are accepted and ignored. */
export type ChatRequest = {
  model: string;
  messages: { role: string; content: string }[];
  stream: boolean;
  includeUsage: boolean;
  /** `max_completion_tokens`, or the older `max_tokens`; null when neither is set. */
  maxTokens: number | null;
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

/** A message's text: a string, or the `text` parts of a content array; null (assistant tool calls) is empty. */
function contentText(content: unknown, param: string): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((part) => (isObject(part) && part.type === 'text' && typeof part.text === 'string' ? part.text : '')).join(' ');
  }
  throw invalidRequest(`Invalid type for '${param}': expected one of a string or array of objects, but got ${typeName(content)} instead.`, param, 'invalid_type');
}

function tokenLimit(body: Record<string, unknown>, param: 'max_tokens' | 'max_completion_tokens'): number | null {
  const value = body[param];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw invalidRequest(`Invalid type for '${param}': expected an integer, but got ${typeName(value)} instead.`, param, 'invalid_type');
  }
  if (value < 1) {
    throw invalidRequest(`Invalid '${param}': integer below minimum value. Expected a value >= 1, but got ${value} instead.`, param, 'integer_below_min_value');
  }
  return value;
}

/** Checks a chat completion body with OpenAI's messages, params and codes; throws the 400 it would send. */
export function parseChatRequest(raw: unknown): ChatRequest {
  if (!isObject(raw)) throw invalidRequest('The request body must be a JSON object.');
  if (typeof raw.model !== 'string' || raw.model === '') throw invalidRequest('you must provide a model parameter');
  if (raw.messages === undefined) throw invalidRequest("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  if (!Array.isArray(raw.messages)) {
    throw invalidRequest(`Invalid type for 'messages': expected an array of objects, but got ${typeName(raw.messages)} instead.`, 'messages', 'invalid_type');
  }
  if (raw.messages.length === 0) {
    throw invalidRequest("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", 'messages', 'empty_array');
  }
  const messages = raw.messages.map((m: unknown, i) => {
    const param = `messages[${i}]`;
    if (!isObject(m)) throw invalidRequest(`Invalid type for '${param}': expected an object, but got ${typeName(m)} instead.`, param, 'invalid_type');
    if (typeof m.role !== 'string') throw invalidRequest(`Missing required parameter: '${param}.role'.`, `${param}.role`, 'missing_required_parameter');
    return { role: m.role, content: contentText(m.content, `${param}.content`) };
  });
  if (raw.stream !== undefined && raw.stream !== null && typeof raw.stream !== 'boolean') {
    throw invalidRequest(`Invalid type for 'stream': expected a boolean, but got ${typeName(raw.stream)} instead.`, 'stream', 'invalid_type');
  }
  const streamOptions = isObject(raw.stream_options) ? raw.stream_options : {};
  const maxCompletionTokens = tokenLimit(raw, 'max_completion_tokens');
  const maxTokens = tokenLimit(raw, 'max_tokens');
  return {
    model: raw.model,
    messages,
    stream: raw.stream === true,
    includeUsage: streamOptions.include_usage === true,
    maxTokens: maxCompletionTokens ?? maxTokens,
  };
}
