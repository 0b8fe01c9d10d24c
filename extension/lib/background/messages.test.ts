// The background's messages as a hostile page could send them through our content script: refused unless the sender may, and malformed payloads refused from anyone.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { accountItem, apiBaseItem, onPremHostsItem, tokensItem } from '../common/storage';
import { setupMessages } from './messages';
import { createBackgroundServices } from './services';
import type { MessageSenderLike } from './senders';

const SESSION = '0b9a4c1e-1111-4222-8333-444455556666';
const FIX = '0b9a4c1e-1111-4222-8333-777777777777';
const API = 'http://127.0.0.1:8787';

/** The API as the background reaches it: records every request, answers the few the tests need. */
function recordingApi() {
  const requests: { method: string; path: string; auth: string | null; body: unknown }[] = [];
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    requests.push({ method: init?.method ?? 'GET', path: url.pathname, auth: new Headers(init?.headers).get('Authorization'), body });
    if (url.pathname === '/v1/auth/login') {
      return json(200, { accessToken: 'access-new', refreshToken: 'refresh-new', user: { id: 'u2', name: 'V', email: body.email, role: 'engineer' } });
    }
    if (url.pathname === '/v1/settings') {
      return json(200, {
        settings: {
          noteFormat: 'markdown',
          noteDefaults: { internal: false, resolution: true, processNotifications: false },
          redaction: { patterns: ['ACME-\\d+'], words: ['Project Nightingale'] },
          ai: { fastModel: 'fast', deepModel: 'deep' },
        },
      });
    }
    if (url.pathname.startsWith('/v1/sessions/')) return json(200, { ok: true });
    return json(200, {});
  };
  return { requests, fetch };
}

/** Senders as Chrome describes them: the browser fills these in, the sending script cannot. */
const senders = {
  /** Our content script (the panel) inside a ConnectWise page. */
  panel: (): MessageSenderLike => ({
    id: fakeBrowser.runtime.id,
    url: 'https://na.myconnectwise.net/v4_6_release/services/system_io/Service/fv_sr100_request.rails?service_recid=184201',
    tab: { id: 12 },
    frameId: 0,
  }),
  /** The options page, opened in a tab (openOptionsPage does that): it has a tab, and our origin. */
  options: (): MessageSenderLike => ({ id: fakeBrowser.runtime.id, url: fakeBrowser.runtime.getURL('/options.html'), tab: { id: 13 }, frameId: 0 }),
  popup: (): MessageSenderLike => ({ id: fakeBrowser.runtime.id, url: fakeBrowser.runtime.getURL('/popup.html') }),
  otherExtension: (): MessageSenderLike => ({ id: 'another-extension', url: 'chrome-extension://another-extension/page.html' }),
};

type Answer = { res?: unknown; err?: { message?: string } };

/** Delivers one message the way @webext-core/messaging sends it, from `sender`, and waits for the answer. */
async function deliver(type: string, data: unknown, sender: MessageSenderLike): Promise<Answer> {
  let answer!: (a: Answer) => void;
  const answered = new Promise<Answer>((r) => (answer = r));
  // Chrome sends messages as JSON: keys holding undefined (`args` of an operation without arguments) arrive absent.
  const message = JSON.parse(JSON.stringify({ id: Math.floor(Math.random() * 1e6), type, data, timestamp: Date.now() }));
  // A partial sender: the fields Chrome fills in that the background reads (a whole Tab is not needed).
  const runtimeSender = sender as Parameters<typeof fakeBrowser.runtime.onMessage.trigger>[1];
  await fakeBrowser.runtime.onMessage.trigger(message, runtimeSender, answer as (a: unknown) => void);
  return answered;
}

const refusedCall = (status: 400 | 403, code: string) => ({ res: { ok: false, error: expect.objectContaining({ status, code, message: expect.any(String) }) } });

describe('messages to the background', () => {
  let api: ReturnType<typeof recordingApi>;
  let syncs: number;
  let stop: () => void = () => {};
  afterEach(() => stop());

  beforeEach(async () => {
    fakeBrowser.reset();
    await apiBaseItem.setValue(API);
    await tokensItem.setValue({ accessToken: 'access-1', refreshToken: 'refresh-1' });
    await accountItem.setValue({ user: { id: 'u', accountId: 'a', name: 'U', email: 'u@x', role: 'team_admin', disabled: false, createdAt: '2026-11-25T09:00:00Z' }, apiBase: API });
    api = recordingApi();
    syncs = 0;
    stop = setupMessages({
      services: createBackgroundServices({ fetch: api.fetch }),
      syncNow: async () => {
        syncs++;
        return { pending: 0 };
      },
      storageReady: Promise.resolve(),
    });
  });

  it('refuses every account-level message from the panel on a ConnectWise page, and does nothing', async () => {
    const panel = senders.panel();
    const psa = { site: 'evil.example.com', companyId: 'x', publicKey: 'x', privateKey: 'x', clientId: '6f1c2a9e-3b7d-4c1e-9a52-0d8e4f7b1c23' };
    expect(await deliver('signIn', { apiBase: 'https://evil.example.com', email: 'a@b', password: 'pw' }, panel)).toEqual(refusedCall(403, 'forbidden_sender'));
    for (const [op, args] of [
      ['putPsa', psa],
      ['testPsa', undefined],
      ['getPsa', undefined],
      ['putSettings', { redaction: { patterns: [], words: [] } }],
      ['me', undefined],
    ] as const) {
      expect(await deliver('api', { op, args }, panel), op).toEqual(refusedCall(403, 'forbidden_sender'));
    }
    for (const type of ['signOut', 'applyOnPremHosts']) {
      const a = await deliver(type, undefined, panel);
      expect(a.res, type).toBeUndefined();
      expect(a.err?.message, type).toMatch(new RegExp(`^${type} is only accepted from the extension's own pages, not from the panel on a ConnectWise page`));
    }
    // Nothing reached the API, and the sign-in is untouched.
    expect(api.requests).toEqual([]);
    expect(await apiBaseItem.getValue()).toBe(API);
    expect(await tokensItem.getValue()).toEqual({ accessToken: 'access-1', refreshToken: 'refresh-1' });
  });

  it('obeys the same messages from the options page (even in a tab) and the popup', async () => {
    const psa = { site: 'na.myconnectwise.net', companyId: 'acme', publicKey: 'pub', privateKey: 'priv', clientId: '6f1c2a9e-3b7d-4c1e-9a52-0d8e4f7b1c23' };
    expect((await deliver('api', { op: 'putPsa', args: psa }, senders.options())).res).toMatchObject({ ok: true });
    expect((await deliver('api', { op: 'testPsa', args: undefined }, senders.popup())).res).toMatchObject({ ok: true });
    expect((await deliver('api', { op: 'putSettings', args: { noteFormat: 'html' } }, senders.options())).res).toMatchObject({ ok: true });
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['PUT /v1/settings/psa', 'POST /v1/settings/psa/test', 'PUT /v1/settings']);
    expect(await onPremHostsItem.getValue()).toEqual([]);
    const signIn = await deliver('signIn', { apiBase: API, email: 'v@x', password: 'pw' }, senders.options());
    expect(signIn.res).toMatchObject({ ok: true, data: { signedIn: true } });
    expect((await deliver('signOut', undefined, senders.options())).res).toMatchObject({ signedIn: false });
  });

  it("obeys the panel's session work, accepting and rejecting fixes included", async () => {
    const panel = senders.panel();
    expect((await deliver('accountState', undefined, panel)).res).toMatchObject({ signedIn: true });
    expect((await deliver('api', { op: 'addFact', args: { sessionId: SESSION, text: 'VPN drops' } }, panel)).res).toMatchObject({ ok: true });
    for (const action of ['accept', 'reject']) {
      expect((await deliver('api', { op: 'decideFix', args: { sessionId: SESSION, fixId: FIX, action } }, panel)).res).toMatchObject({ ok: true });
    }
    expect((await deliver('syncNow', undefined, panel)).res).toEqual({ pending: 0 });
    expect(syncs).toBe(1);
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /v1/sessions/${SESSION}/facts`,
      `POST /v1/sessions/${SESSION}/fixes/${FIX}/accept`,
      `POST /v1/sessions/${SESSION}/fixes/${FIX}/reject`,
    ]);
  });

  it('decideFix cannot be bent into another request: ids must be GUIDs and the action accept or reject', async () => {
    const panel = senders.panel();
    for (const args of [
      // Once the URL is normalised this would be POST /v1/settings/psa/test.
      { sessionId: SESSION, fixId: FIX, action: '../../../../settings/psa/test' },
      { sessionId: '..', fixId: '..', action: 'accept' },
      { sessionId: SESSION, fixId: FIX, action: 'build_template' },
      { sessionId: SESSION, fixId: FIX },
      { sessionId: SESSION, fixId: FIX, action: 'accept', extra: 1 },
    ]) {
      const a = await deliver('api', { op: 'decideFix', args }, panel);
      expect(a, JSON.stringify(args)).toEqual(refusedCall(400, 'invalid_input'));
      expect((a.res as { error: { message: string } }).error.message).toMatch(/^decideFix: malformed request/);
    }
    expect(api.requests).toEqual([]);
    const bent = await deliver('api', { op: 'decideFix', args: { sessionId: SESSION, fixId: FIX, action: '../x' } }, panel);
    expect((bent.res as { error: { message: string } }).error.message).toBe(
      'decideFix: malformed request (action: Invalid option: expected one of "accept"|"reject").',
    );
  });

  it('refuses malformed payloads from any sender, the extension pages included', async () => {
    const page = senders.options();
    expect(await deliver('api', { op: 'dropTables', args: {} }, page)).toEqual(refusedCall(400, 'invalid_input'));
    expect(await deliver('api', { op: 'addFact', args: { sessionId: SESSION, text: 42 } }, page)).toEqual(refusedCall(400, 'invalid_input'));
    expect(await deliver('api', { op: 'putSettings', args: { webhook: 'https://evil.example.com' } }, page)).toEqual(refusedCall(400, 'invalid_input'));
    expect(await deliver('api', { op: 'startSession', args: { ticket: { psa: 'connectwise', externalId: '1/../../x' } } }, senders.panel())).toEqual(
      refusedCall(400, 'invalid_input'),
    );
    expect(await deliver('signIn', { apiBase: API, email: 'a@b' }, page)).toEqual(refusedCall(400, 'invalid_input'));
    expect((await deliver('signOut', { everywhere: true }, page)).err?.message).toMatch(/^signOut: malformed request/);
    expect(api.requests).toEqual([]);
    expect(await tokensItem.getValue()).toEqual({ accessToken: 'access-1', refreshToken: 'refresh-1' });
  });

  it('refuses senders that are neither our pages nor our content script, and loadPanel from anything but a tab', async () => {
    expect((await deliver('accountState', undefined, senders.otherExtension())).err?.message).toMatch(/not from an unknown sender/);
    expect((await deliver('accountState', undefined, { id: fakeBrowser.runtime.id })).err?.message).toMatch(/not from an unknown sender/);
    expect((await deliver('loadPanel', undefined, senders.popup())).err?.message).toMatch(/^loadPanel is only accepted from the panel/);
  });

  it('gives the panel the note defaults of the settings, never the redaction rules or model choices', async () => {
    const fromPanel = (await deliver('api', { op: 'getSettings', args: undefined }, senders.panel())).res as { ok: true; data: { settings: object } };
    expect(fromPanel.data.settings).toEqual({ noteFormat: 'markdown', noteDefaults: { internal: false, resolution: true, processNotifications: false } });
    expect(JSON.stringify(fromPanel)).not.toContain('Nightingale');
    const fromOptions = (await deliver('api', { op: 'getSettings', args: undefined }, senders.options())).res as { ok: true; data: { settings: object } };
    expect(fromOptions.data.settings).toMatchObject({ redaction: { words: ['Project Nightingale'] }, ai: { fastModel: 'fast' } });
  });
});
