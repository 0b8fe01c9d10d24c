// Retry timing for calls to outside services (ConnectWise, Anthropic): exponential backoff with jitter,
// and the service's own Retry-After when it sends one. Each caller keeps its own loop, because what may be
// retried differs (a ConnectWise write that may have been applied never is); how long to wait does not.

export interface Backoff {
  baseMs: number;
  maxMs: number;
  /** A Retry-After longer than this is not worth holding the request for: the caller fails fast. */
  maxRetryAfterMs: number;
  /** At most this much jitter is added to a Retry-After wait, so parallel callers do not return together. */
  retryAfterJitterMs?: number;
  random?: () => number;
}

/** Full jitter: a random wait up to base · 2^attempt, capped at maxMs (`attempt` counts retries made). */
export function backoffMs(p: Backoff, attempt: number): number {
  return Math.round((p.random ?? Math.random)() * Math.min(p.maxMs, p.baseMs * 2 ** attempt));
}

/**
 * How long to wait before the next retry: the Retry-After hint (plus a little jitter) when the service
 * sent one, else the backoff; 'too_long' when the hint is longer than the caller will wait.
 */
export function retryWait(p: Backoff, attempt: number, hintMs: number | undefined): number | 'too_long' {
  if (hintMs === undefined) return backoffMs(p, attempt);
  if (hintMs > p.maxRetryAfterMs) return 'too_long';
  return hintMs + Math.min(backoffMs(p, attempt), p.retryAfterJitterMs ?? 0);
}

/**
 * A response's Retry-After in milliseconds: `retry-after-ms` (Anthropic's extension), else `Retry-After`
 * as seconds or an HTTP date; undefined when absent or unreadable.
 */
export function retryAfterMs(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers?.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
