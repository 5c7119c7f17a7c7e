import { OpenAPIHono } from '@hono/zod-openapi';
import type { ZodError } from 'zod';
import type { AppEnv } from '../env';
import { errorResponse } from './errors';

/** Names the first failing field the way a caller reads it: `body.messages[0].content: Too long`. */
export function describeZodError(target: string, error: ZodError): string {
  const issue = error.issues[0];
  if (!issue) return `${target}: invalid`;
  const path = issue.path.reduce<string>(
    (acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : `${acc}.${String(part)}`),
    target === 'json' ? 'body' : target,
  );
  return `${path}: ${issue.message}`;
}

/**
 * A router whose validation failures become the contract's 400 `invalid_request`.
 * Every route group is one of these so its routes land in `/openapi.json`.
 *
 * @example const me = createRouter(); me.openapi(getMeRoute, handler)
 */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        return errorResponse(c, 400, 'invalid_request', describeZodError(result.target, result.error));
      }
      return undefined;
    },
  });
}
