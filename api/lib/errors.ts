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

/**
 * Errors that mean "the database cannot be reached right now", as postgres.js raises them: the socket
 * refused or cut (ECONNREFUSED, ECONNRESET …, or postgres.js's CONNECTION_CLOSED / CONNECT_TIMEOUT), or
 * the server shutting down or starting up (57P01 admin_shutdown, 57P02, 57P03 cannot_connect_now), a
 * connection exception (class 08) or no free connection slot (53300). Only the thrown error itself is
 * looked at, not its cause: an outbound HTTP call (ConnectWise, AI) fails with a TypeError whose cause
 * carries the socket code, and that is not the database's outage.
 */
const DB_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT']);
const DB_SERVER_CODES = new Set(['57P01', '57P02', '57P03', '53300']);

export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  if (err.name === 'PostgresError') return DB_SERVER_CODES.has(code) || code.startsWith('08');
  return DB_SOCKET_CODES.has(code);
}

/** The database is down or restarting: a 503 the client may retry (the same answer as a saturated pool). */
export const databaseUnavailable = () =>
  new AppError(503, 'unavailable', 'The service cannot reach its database right now; try again in a moment.', { 'Retry-After': '2' });
