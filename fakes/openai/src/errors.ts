import type { RateLimitType } from './knobs';

/** OpenAI's error body; the SDK picks its error class from the status and reads these fields. */
export type OpenAIErrorBody = { error: { message: string; type: string; param: string | null; code: string | null } };

/** An error answer in OpenAI's shape, thrown by handlers and sent by the server. */
export class OpenAIHttpError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string | null,
    message: string,
    readonly param: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export function invalidRequest(message: string, param: string | null = null, code: string | null = null): OpenAIHttpError {
  return new OpenAIHttpError(400, 'invalid_request_error', code, message, param);
}

export function invalidApiKey(key: string | undefined): OpenAIHttpError {
  const shown = key === undefined ? 'none' : key.length > 10 ? `${key.slice(0, 3)}${'*'.repeat(key.length - 7)}${key.slice(-4)}` : '*'.repeat(key.length);
  return new OpenAIHttpError(
    401,
    'invalid_request_error',
    'invalid_api_key',
    `Incorrect API key provided: ${shown}. You can find your API key at https://platform.openai.com/account/api-keys.`,
  );
}

export function invalidUrl(method: string, path: string): OpenAIHttpError {
  return new OpenAIHttpError(404, 'invalid_request_error', null, `Invalid URL (${method} ${path})`);
}

export function modelNotFound(model: string): OpenAIHttpError {
  return new OpenAIHttpError(404, 'invalid_request_error', 'model_not_found', `The model \`${model}\` does not exist or you do not have access to it.`);
}

/** What OpenAI sends mid-stream when generation fails; `code` is null there. */
export function serverError(): OpenAIHttpError {
  return new OpenAIHttpError(500, 'server_error', null, 'The server had an error while processing your request. Sorry about that!');
}

/**
 * The answer for the `status` knob: the body OpenAI sends for that status, as far as it has
 * one, with `Retry-After: retryAfter` seconds when given.
 */
export function simulatedError(status: number, model: string, limit: RateLimitType, retryAfter: number | null = null): OpenAIHttpError {
  const error = errorFor(status, model, limit);
  if (retryAfter === null) return error;
  return new OpenAIHttpError(error.status, error.type, error.code, error.message, error.param, { ...error.headers, 'retry-after': String(retryAfter) });
}

function errorFor(status: number, model: string, limit: RateLimitType): OpenAIHttpError {
  switch (status) {
    case 401:
      return invalidApiKey(undefined);
    case 403:
      return new OpenAIHttpError(403, 'invalid_request_error', 'model_not_found', `Project \`proj_fake\` does not have access to model \`${model}\``);
    case 404:
      return modelNotFound(model);
    case 429: {
      const unit = limit === 'requests' ? 'requests per min (RPM): Limit 3, Used 3, Requested 1' : 'tokens per min (TPM): Limit 30000, Used 30000, Requested 120';
      return new OpenAIHttpError(
        429,
        limit,
        'rate_limit_exceeded',
        `Rate limit reached for ${model} in organization org-fake on ${unit}. Please try again in 1s.`,
        null,
        // The SDK and our Worker both back off by this header.
        { 'retry-after': '1' },
      );
    }
    case 500:
      return serverError();
    case 503:
      return new OpenAIHttpError(503, 'server_error', null, 'The engine is currently overloaded, please try again later.');
    default:
      return status < 500
        ? new OpenAIHttpError(status, 'invalid_request_error', null, `Request failed with status ${status} (fake status knob).`)
        : new OpenAIHttpError(status, 'server_error', null, `The server failed with status ${status} (fake status knob).`);
  }
}
