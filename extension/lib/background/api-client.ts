// HTTP to the FlowPilot API for the background: bearer tokens, single-flight refresh, the error shape.
import type { ApiErrorBody, AuthResponse } from '../common/api-types';
import type { RequestSpec } from '../common/operations';
import type { CallError } from '../common/protocol';
import type { Tokens } from '../common/storage';

/** The API answered with an error status. */
export class ApiHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The API could not be reached (network down, server stopped, DNS, CORS refusal). */
export class ApiUnreachableError extends Error {}

export interface TokenStore {
  get(): Promise<Tokens | null>;
  set(tokens: Tokens | null): Promise<void>;
}

export interface ApiClientDeps {
  apiBase: () => Promise<string>;
  tokens: TokenStore;
  fetch?: typeof fetch;
  /** Called when refresh fails: the user has to sign in again. */
  onSignedOut?: () => Promise<void> | void;
  timeoutMs?: number;
}

export interface SendOptions {
  idempotencyKey?: string;
  /** Auth endpoints go without a bearer token. */
  anonymous?: boolean;
  accept?: string;
  /** Send to this API address instead of the stored one (sign-in tries an address before committing it). Anonymous only. */
  apiBase?: string;
}

export function toCallError(err: unknown): CallError {
  if (err instanceof ApiHttpError) return { status: err.status, code: err.code, message: err.message };
  if (err instanceof ApiUnreachableError) return { status: 0, code: 'unreachable', message: err.message };
  return { status: 0, code: 'client_error', message: err instanceof Error ? err.message : String(err) };
}

export function createApiClient(deps: ApiClientDeps) {
  const doFetch = deps.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  let refreshing: Promise<boolean> | null = null;

  async function raw(spec: RequestSpec, opts: SendOptions, accessToken: string | null): Promise<Response> {
    if (opts.apiBase !== undefined && accessToken) throw new Error('a request to an uncommitted API address never carries a token');
    const base = (opts.apiBase ?? (await deps.apiBase())).replace(/\/+$/, '');
    const headers: Record<string, string> = { Accept: opts.accept ?? 'application/json' };
    if (spec.body !== undefined) headers['Content-Type'] = 'application/json';
    if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
    if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), deps.timeoutMs ?? 30_000);
    try {
      return await doFetch(base + spec.path, {
        method: spec.method,
        headers,
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        signal: controller.signal,
      });
    } catch (err) {
      throw new ApiUnreachableError(`The FlowPilot API at ${base} cannot be reached (${err instanceof Error ? err.message : String(err)}).`);
    } finally {
      clearTimeout(timer);
    }
  }

  async function errorFrom(res: Response): Promise<ApiHttpError> {
    let code = `http_${res.status}`;
    let message = `The API answered ${res.status} ${res.statusText}`.trim();
    try {
      const body = (await res.json()) as Partial<ApiErrorBody> | null;
      if (body?.error?.code) code = body.error.code;
      if (body?.error?.message) message = body.error.message;
    } catch {
      // Not our error shape (a proxy's page): keep the status line.
    }
    return new ApiHttpError(res.status, code, message);
  }

  /** Rotates the refresh token once for all concurrent callers; false when the user must sign in again. */
  function refresh(): Promise<boolean> {
    refreshing ??= (async () => {
      const tokens = await deps.tokens.get();
      if (!tokens) return false;
      const res = await raw({ method: 'POST', path: '/v1/auth/refresh', body: { refreshToken: tokens.refreshToken } }, { anonymous: true }, null);
      if (res.ok) {
        const body = (await res.json()) as AuthResponse;
        await deps.tokens.set({ accessToken: body.accessToken, refreshToken: body.refreshToken });
        return true;
      }
      if (res.status === 401 || res.status === 400) {
        await deps.tokens.set(null);
        await deps.onSignedOut?.();
        return false;
      }
      throw await errorFrom(res);
    })().finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  /** Sends a request; retries once after refreshing an expired access token. Returns the parsed body. */
  async function send<T = unknown>(spec: RequestSpec, opts: SendOptions = {}): Promise<T> {
    let tokens = opts.anonymous ? null : await deps.tokens.get();
    if (!opts.anonymous && !tokens) throw new ApiHttpError(401, 'signed_out', 'Sign in to FlowPilot first.');
    let res = await raw(spec, opts, tokens?.accessToken ?? null);
    if (res.status === 401 && !opts.anonymous) {
      if (!(await refresh())) throw new ApiHttpError(401, 'signed_out', 'Your FlowPilot sign-in expired: sign in again.');
      tokens = await deps.tokens.get();
      res = await raw(spec, opts, tokens?.accessToken ?? null);
    }
    if (!res.ok) throw await errorFrom(res);
    if (res.status === 204) return undefined as T;
    const type = res.headers.get('Content-Type') ?? '';
    if (spec.text || !type.includes('json')) return (await res.text()) as T;
    return (await res.json()) as T;
  }

  /** For streaming: the raw response after auth handling (the caller reads the body). */
  async function stream(spec: RequestSpec, opts: SendOptions = {}): Promise<Response> {
    let tokens = await deps.tokens.get();
    if (!tokens) throw new ApiHttpError(401, 'signed_out', 'Sign in to FlowPilot first.');
    let res = await raw(spec, { accept: 'text/event-stream', ...opts }, tokens.accessToken);
    if (res.status === 401) {
      if (!(await refresh())) throw new ApiHttpError(401, 'signed_out', 'Your FlowPilot sign-in expired: sign in again.');
      tokens = await deps.tokens.get();
      res = await raw(spec, { accept: 'text/event-stream', ...opts }, tokens?.accessToken ?? null);
    }
    if (!res.ok) throw await errorFrom(res);
    return res;
  }

  return { send, stream, refresh };
}

export type ApiClient = ReturnType<typeof createApiClient>;
