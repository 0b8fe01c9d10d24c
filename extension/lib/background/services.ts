// The background's parts, built once from storage and fetch: API client, offline queue, sign-in.
import { createApiClient, type ApiClient } from './api-client';
import type { AuthResponse } from '../common/api-types';
import { createOfflineQueue, type OfflineQueue } from './offline-queue';
import { OPERATIONS, type OperationName } from '../common/operations';
import type { AccountState, CallResult, SignInRequest } from '../common/protocol';
import { accountItem, apiBaseItem, queueItem, signedInUserItem, syncStatusItem, tokensItem, type Account } from '../common/storage';
import { toCallError } from './api-client';

export interface BackgroundServices {
  api: ApiClient;
  queue: OfflineQueue;
  call(op: OperationName, args: unknown): Promise<CallResult<unknown>>;
  accountState(): Promise<AccountState>;
  signIn(req: SignInRequest): Promise<CallResult<AccountState>>;
  signOut(): Promise<AccountState>;
}

/**
 * Copies who is signed in where the panel can watch it (session storage starts empty after a browser restart).
 * Only a real change is written: panels reload their ticket on every change, and the worker restarts often.
 */
export async function publishSignedInUser(): Promise<void> {
  const [account, shown] = await Promise.all([accountItem.getValue(), signedInUserItem.getValue()]);
  const user = account?.user ?? null;
  if (JSON.stringify(user) !== JSON.stringify(shown)) await signedInUserItem.setValue(user);
}

/** The account and the panel's copy of it, written together. */
async function setAccount(account: Account | null): Promise<void> {
  await accountItem.setValue(account);
  await publishSignedInUser();
}

export function createBackgroundServices(opts: { fetch?: typeof fetch } = {}): BackgroundServices {
  const api = createApiClient({
    apiBase: () => apiBaseItem.getValue(),
    tokens: { get: () => tokensItem.getValue(), set: (t) => tokensItem.setValue(t) },
    fetch: opts.fetch,
    onSignedOut: () => setAccount(null),
  });

  const queue = createOfflineQueue({
    queue: queueItem,
    status: syncStatusItem,
    send: (w) => api.send({ method: w.method, path: w.path, body: w.body }, { idempotencyKey: w.idempotencyKey }),
  });

  async function accountState(): Promise<AccountState> {
    const [account, apiBase, tokens] = await Promise.all([accountItem.getValue(), apiBaseItem.getValue(), tokensItem.getValue()]);
    return { signedIn: Boolean(tokens && account), user: tokens ? account?.user ?? null : null, apiBase };
  }

  async function call(op: OperationName, args: unknown): Promise<CallResult<unknown>> {
    const operation = OPERATIONS[op] as { build: (a: unknown) => ReturnType<(typeof OPERATIONS)[OperationName]['build']> } | undefined;
    if (!operation) return { ok: false, error: { status: 400, code: 'unknown_operation', message: `Unknown operation ${String(op)}` } };
    const spec = operation.build(args);
    if (spec.queue && spec.method !== 'GET') return queue.submit(spec);
    try {
      // Creating POSTs outside the queue still carry a key, so a retried click cannot create twice.
      const idempotencyKey = spec.method === 'POST' ? crypto.randomUUID() : undefined;
      return { ok: true, data: await api.send(spec, { idempotencyKey }) };
    } catch (err) {
      return { ok: false, error: toCallError(err) };
    }
  }

  async function signIn(req: SignInRequest): Promise<CallResult<AccountState>> {
    let base: string;
    try {
      const url = new URL(req.apiBase.trim());
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
      base = url.origin + url.pathname.replace(/\/+$/, '');
    } catch {
      return { ok: false, error: { status: 400, code: 'invalid_input', message: 'The API address must be an http(s) URL.' } };
    }
    // The address is only committed once the sign-in there succeeded: a mistyped one is never stored, so the
    // stored tokens never follow it (every authenticated call and the refresh go to the stored address).
    let res: AuthResponse;
    try {
      res = req.register
        ? await api.send<AuthResponse>(
            { method: 'POST', path: '/v1/auth/register', body: { ...req.register, email: req.email, password: req.password } },
            { anonymous: true, apiBase: base },
          )
        : await api.send<AuthResponse>(
            { method: 'POST', path: '/v1/auth/login', body: { email: req.email, password: req.password } },
            { anonymous: true, apiBase: base },
          );
    } catch (err) {
      return { ok: false, error: toCallError(err) };
    }
    const previousBase = await apiBaseItem.getValue();
    if (previousBase !== base) {
      await leaveApi(previousBase);
      await apiBaseItem.setValue(base);
    }
    await tokensItem.setValue({ accessToken: res.accessToken, refreshToken: res.refreshToken });
    await setAccount({ user: res.user, apiBase: base });
    void queue.drain();
    return { ok: true, data: await accountState() };
  }

  /**
   * Moving to another API address: the old server's tokens go (revoked there, best effort: to the server that
   * issued them), and so do writes queued for it (its sessions do not exist at the new address), each said so in
   * the panel. The new address is committed last, with no token stored, so no request carries old tokens to it.
   */
  async function leaveApi(previousBase: string): Promise<void> {
    const tokens = await tokensItem.getValue();
    await tokensItem.setValue(null);
    await setAccount(null);
    if (tokens) {
      await api
        .send({ method: 'POST', path: '/v1/auth/logout', body: { refreshToken: tokens.refreshToken } }, { anonymous: true, apiBase: previousBase })
        .catch(() => {});
    }
    await queue.discard('Not sent: FlowPilot was signed in to another API address.');
  }

  async function signOut(): Promise<AccountState> {
    const tokens = await tokensItem.getValue();
    if (tokens) {
      await api.send({ method: 'POST', path: '/v1/auth/logout', body: { refreshToken: tokens.refreshToken } }, { anonymous: true }).catch(() => {});
    }
    await tokensItem.setValue(null);
    await setAccount(null);
    return accountState();
  }

  return { api, queue, call, accountState, signIn, signOut };
}
