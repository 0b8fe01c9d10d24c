// The background with WXT's fakeBrowser: offline queue order, exactly-once replay, restart survival, token refresh, what the panel may see.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { accountItem, apiBaseItem, panelPrefsItem, queueItem, signedInUserItem, syncStatusItem, tokensItem } from '../common/storage';
import { createBackgroundServices, publishSignedInUser } from './services';
import { secureStorageAccess } from './storage-access';

const SESSION = '0b9a4c1e-1111-4222-8333-444455556666';

/** A stand-in for the API's wire behaviour the background relies on: bearer auth, refresh rotation, Idempotency-Key. */
function fakeApi() {
  const state = {
    up: true,
    /** Apply the request, then drop the connection before answering (the answer is lost). */
    loseNextAnswer: false,
    facts: [] as { id: string; text: string }[],
    seenKeys: [] as (string | null)[],
    byKey: new Map<string, unknown>(),
    accessToken: 'access-1',
    refreshToken: 'refresh-1',
    refreshCalls: 0,
  };
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    if (!state.up) throw new TypeError('Failed to fetch');
    const url = new URL(String(input));
    const headers = new Headers(init?.headers);
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    if (url.pathname === '/v1/auth/login') {
      return json(200, { accessToken: state.accessToken, refreshToken: state.refreshToken, user: { id: 'u', name: 'U', email: body.email, role: 'engineer' } });
    }
    if (url.pathname === '/v1/auth/refresh') {
      state.refreshCalls++;
      if (body.refreshToken !== state.refreshToken) return json(401, { error: { code: 'unauthorized', message: 'reused' } });
      state.accessToken = `access-${state.refreshCalls + 1}`;
      state.refreshToken = `refresh-${state.refreshCalls + 1}`;
      return json(200, { accessToken: state.accessToken, refreshToken: state.refreshToken, user: { id: 'u', accountId: 'a', name: 'U', email: 'u@x', role: 'engineer', disabled: false, createdAt: '2026-11-25T09:00:00Z' } });
    }
    if (headers.get('Authorization') !== `Bearer ${state.accessToken}`) return json(401, { error: { code: 'unauthorized', message: 'expired' } });
    const factsPath = `/v1/sessions/${SESSION}/facts`;
    if (url.pathname === factsPath && init?.method === 'POST') {
      const key = headers.get('Idempotency-Key');
      state.seenKeys.push(key);
      if (key && state.byKey.has(key)) return json(201, state.byKey.get(key));
      if (body.text === 'refused') return json(422, { error: { code: 'rule_broken', message: 'Refused by a rule' } });
      const fact = { id: `f${state.facts.length + 1}`, text: body.text };
      state.facts.push(fact);
      const result = { fact };
      if (key) state.byKey.set(key, result);
      if (state.loseNextAnswer) {
        state.loseNextAnswer = false;
        throw new TypeError('network changed');
      }
      return json(201, result);
    }
    if (url.pathname === '/v1/me') return json(200, { user: { id: 'u' } });
    return json(404, { error: { code: 'not_found', message: 'no route' } });
  };
  return { state, fetch };
}

async function signedIn() {
  await apiBaseItem.setValue('http://127.0.0.1:8787');
  await tokensItem.setValue({ accessToken: 'access-1', refreshToken: 'refresh-1' });
  await accountItem.setValue({ user: { id: 'u', accountId: 'a', name: 'U', email: 'u@x', role: 'engineer', disabled: false, createdAt: '2026-11-25T09:00:00Z' }, apiBase: 'http://127.0.0.1:8787' });
}

describe('the offline queue in the background', () => {
  beforeEach(async () => {
    fakeBrowser.reset();
    await signedIn();
  });

  it('sends a write straight through when the API is up', async () => {
    const api = fakeApi();
    const bg = createBackgroundServices({ fetch: api.fetch });
    const r = await bg.call('addFact', { sessionId: SESSION, text: 'VPN drops every 10 min' });
    expect(r).toEqual({ ok: true, data: { fact: { id: 'f1', text: 'VPN drops every 10 min' } } });
    expect(await queueItem.getValue()).toEqual([]);
    expect(api.state.seenKeys[0]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('queues writes while the API is down and replays them in order when it is back', async () => {
    const api = fakeApi();
    api.state.up = false;
    const bg = createBackgroundServices({ fetch: api.fetch });
    const results = [];
    for (const text of ['first', 'second', 'third']) results.push(await bg.call('addFact', { sessionId: SESSION, text }));
    expect(results.map((r) => ('queued' in r ? r.queued : false))).toEqual([true, true, true]);
    expect((await syncStatusItem.getValue()).state).toBe('offline');
    expect((await syncStatusItem.getValue()).pending).toBe(3);

    api.state.up = true;
    expect(await bg.queue.drain()).toBe('done');
    expect(api.state.facts.map((f) => f.text)).toEqual(['first', 'second', 'third']);
    expect(await queueItem.getValue()).toEqual([]);
    const status = await syncStatusItem.getValue();
    expect(status).toMatchObject({ state: 'online', pending: 0 });
    expect(status.replayedAt).toBeGreaterThan(0);
  });

  it('a write made while others wait is queued behind them, not sent ahead', async () => {
    const api = fakeApi();
    api.state.up = false;
    const bg = createBackgroundServices({ fetch: api.fetch });
    await bg.call('addFact', { sessionId: SESSION, text: 'older' });
    api.state.up = true;
    const r = await bg.call('addFact', { sessionId: SESSION, text: 'newer' });
    expect(r.ok).toBe(true);
    expect(api.state.facts.map((f) => f.text)).toEqual(['older', 'newer']);
  });

  it('never applies a write twice when the answer was lost: the replay reuses its Idempotency-Key', async () => {
    const api = fakeApi();
    api.state.loseNextAnswer = true;
    const bg = createBackgroundServices({ fetch: api.fetch });
    const r = await bg.call('addFact', { sessionId: SESSION, text: 'only once' });
    expect('queued' in r && r.queued).toBe(true);
    await bg.queue.drain();
    expect(api.state.facts).toHaveLength(1);
    expect(api.state.seenKeys).toHaveLength(2);
    expect(api.state.seenKeys[0]).toBe(api.state.seenKeys[1]);
    expect(await queueItem.getValue()).toEqual([]);
  });

  it('survives a restart: a new background finds the queue in storage and replays it', async () => {
    const api = fakeApi();
    api.state.up = false;
    const before = createBackgroundServices({ fetch: api.fetch });
    await before.call('addFact', { sessionId: SESSION, text: 'kept across restart' });
    await before.call('removeFact', { sessionId: SESSION, factId: '0b9a4c1e-1111-4222-8333-999999999999' });
    expect(await queueItem.getValue()).toHaveLength(2);

    api.state.up = true;
    const after = createBackgroundServices({ fetch: api.fetch });
    expect(await after.queue.pending()).toBe(2);
    await after.queue.drain();
    expect(api.state.facts.map((f) => f.text)).toEqual(['kept across restart']);
    // The DELETE met a 404 here (no such fact): treated as already applied, not as a stall.
    expect(await queueItem.getValue()).toEqual([]);
  });

  it('drops a write the API refuses on replay, says so, and carries on with the rest', async () => {
    const api = fakeApi();
    api.state.up = false;
    const bg = createBackgroundServices({ fetch: api.fetch });
    await bg.call('addFact', { sessionId: SESSION, text: 'refused' });
    await bg.call('addFact', { sessionId: SESSION, text: 'accepted' });
    api.state.up = true;
    await bg.queue.drain();
    expect(api.state.facts.map((f) => f.text)).toEqual(['accepted']);
    const status = await syncStatusItem.getValue();
    expect(status.failed).toEqual([expect.objectContaining({ label: 'Add fact', message: 'Refused by a rule' })]);
    expect(status.pending).toBe(0);
  });

  it('refreshes an expired access token once and retries', async () => {
    const api = fakeApi();
    api.state.accessToken = 'access-rotated-elsewhere';
    api.state.refreshToken = 'refresh-1';
    const bg = createBackgroundServices({ fetch: api.fetch });
    // The stored access token is stale; the refresh gives a new pair.
    const r = await bg.call('me', undefined);
    expect(r.ok).toBe(true);
    expect(api.state.refreshCalls).toBe(1);
    expect(await tokensItem.getValue()).toEqual({ accessToken: 'access-2', refreshToken: 'refresh-2' });
  });

  it('signs out when the refresh token is refused, keeping queued work for after sign-in', async () => {
    const api = fakeApi();
    api.state.up = false;
    const bg = createBackgroundServices({ fetch: api.fetch });
    await bg.call('addFact', { sessionId: SESSION, text: 'typed before the sign-in expired' });
    api.state.up = true;
    api.state.accessToken = 'other';
    api.state.refreshToken = 'other-refresh';
    expect(await bg.queue.drain()).toBe('stalled');
    expect(await tokensItem.getValue()).toBeNull();
    expect((await bg.accountState()).signedIn).toBe(false);
    expect((await syncStatusItem.getValue()).state).toBe('signed_out');
    expect(await queueItem.getValue()).toHaveLength(1);
  });

  it('reports an unreachable API on reads without queuing them', async () => {
    const api = fakeApi();
    api.state.up = false;
    const bg = createBackgroundServices({ fetch: api.fetch });
    const r = await bg.call('findSessions', { ticket: '123' });
    expect(r).toMatchObject({ ok: false, error: { status: 0, code: 'unreachable' } });
    expect(await queueItem.getValue()).toEqual([]);
  });
});

describe('what content scripts may read', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it('keeps the tokens, the queue and the account in local, and everything the panel reads outside it', () => {
    // On Chrome the background closes `local` to content scripts; the panel reads only these.
    expect(tokensItem.key).toBe('local:tokens');
    expect(queueItem.key).toBe('local:queue');
    expect(accountItem.key).toBe('local:account');
    for (const item of [syncStatusItem, signedInUserItem, panelPrefsItem]) expect(item.key).not.toMatch(/^local:/);
    // Prefs must outlast a browser restart (session storage does not).
    expect(panelPrefsItem.key).toMatch(/^sync:/);
  });

  it('setting access levels is a no-op that never throws where the browser cannot (fakeBrowser has no real one)', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await expect(secureStorageAccess()).resolves.toEqual({ localClosed: false, sessionOpen: false });
    warn.mockRestore();
  });

  it('shows the panel who is signed in, without secrets, through sign-in, sign-out and a refused refresh', async () => {
    const api = fakeApi();
    const bg = createBackgroundServices({ fetch: api.fetch });
    const r = await bg.signIn({ apiBase: 'http://127.0.0.1:8787', email: 'u@x', password: 'pw' });
    expect(r.ok).toBe(true);
    expect(await tokensItem.getValue()).toEqual({ accessToken: 'access-1', refreshToken: 'refresh-1' });
    expect(await signedInUserItem.getValue()).toEqual({ id: 'u', name: 'U', email: 'u@x', role: 'engineer' });

    await bg.signOut();
    expect(await signedInUserItem.getValue()).toBeNull();

    expect((await bg.signIn({ apiBase: 'http://127.0.0.1:8787', email: 'u@x', password: 'pw' })).ok).toBe(true);
    expect((await signedInUserItem.getValue())?.id).toBe('u');
    // The refresh token is refused: signed out everywhere, the panel included.
    api.state.accessToken = 'other';
    api.state.refreshToken = 'other-refresh';
    expect((await bg.call('me', undefined)).ok).toBe(false);
    expect(await signedInUserItem.getValue()).toBeNull();
  });

  it('after a browser restart (session storage empty) the background publishes the signed-in user again, and only on a change', async () => {
    await signedIn();
    expect(await signedInUserItem.getValue()).toBeNull();
    const changes: unknown[] = [];
    const unwatch = signedInUserItem.watch((user) => changes.push(user));
    await publishSignedInUser();
    expect((await signedInUserItem.getValue())?.id).toBe('u');
    // A worker restart with nothing changed must not make every panel reload its ticket.
    await publishSignedInUser();
    await new Promise((r) => setTimeout(r, 0));
    unwatch();
    expect(changes).toEqual([expect.objectContaining({ id: 'u' })]);
  });
});
