// The one domain error type; app.onError turns it into {"error": {code, message}} with its status.
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string, code = 'invalid_input') => new AppError(400, code, message);
export const unauthorized = (message = 'Sign in again: the access token is missing, invalid or expired.') =>
  new AppError(401, 'unauthorized', message);
export const forbidden = (message = 'Your role does not allow this action.') => new AppError(403, 'forbidden', message);
/** Another account's row is a 404 too: never confirm it exists. */
export const notFound = (what = 'Resource') => new AppError(404, 'not_found', `${what} not found.`);
export const conflict = (message: string, code = 'conflict') => new AppError(409, code, message);
export const unprocessable = (message: string, code = 'rule_broken') => new AppError(422, code, message);
export const tooMany = (message: string, retryAfterSeconds: number) =>
  new AppError(429, 'rate_limited', message, { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
export const psaFailure = (message: string, code = 'psa_error') => new AppError(502, code, message);

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}
