// The workspace's session history against the real API: searched on the server (engineer, status, date range) and
// paged with Load more; a session opened read-only with its note and its share links: one made, copied, opened by
// anyone holding it, then revoked, after which the public link answers 410.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'puppeteer';
import { launchWithExtension, screenshot, type ExtensionBrowser } from './lib/browser.js';
import { signInViaOptions } from './lib/extension.js';
import { startStack, type Stack } from './lib/stack.js';

const today = () => new Date().toISOString().slice(0, 10);
const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

describe('workspace: session history and share links', () => {
  let stack: Stack;
  let eb: ExtensionBrowser;
  let ws: Page;
  let raviId = '';
  const RAVI_EMAIL = 'ravi.kumar.history@bluewave-it.example';
  let resolvedId = '';

  /** The API as another user (the stack's helper speaks as the account's first user). */
  async function as(token: string, method: string, path: string, body?: unknown) {
    const res = await fetch(stack.apiUrl + path, { method, headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = (await res.json()) as Record<string, never>;
    if (res.status >= 300) throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(json)}`);
    return json as Record<string, { id: string }>;
  }

  beforeAll(async () => {
    stack = await startStack(inject('e2eAppUrl'));
    // 26 tickets worked by John Doe: one more than a page.
    for (let n = 1; n <= 26; n++) {
      await stack.api('POST', '/v1/sessions', { ticket: { psa: 'connectwise', externalId: String(186000 + n), summary: `Mailbox full for user ${n}`, company: 'Contoso Dental' } });
    }
    // Two worked by Ravi, one of them resolved.
    // Sign-in emails are unique across accounts, and every e2e suite shares one database: this one is its own.
    const { user } = await stack.api<{ user: { id: string } }>('POST', '/v1/users', { name: 'Ravi Kumar', email: RAVI_EMAIL, password: 'ravi-password-1', role: 'engineer' });
    raviId = user.id;
    const login = await fetch(`${stack.apiUrl}/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: RAVI_EMAIL, password: 'ravi-password-1' }) });
    const { accessToken } = (await login.json()) as { accessToken: string };
    await as(accessToken, 'POST', '/v1/sessions', { ticket: { psa: 'connectwise', externalId: '186101', summary: 'VPN drops every hour', company: 'Northwind Traders' } });
    const { session } = await as(accessToken, 'POST', '/v1/sessions', { ticket: { psa: 'connectwise', externalId: '186102', summary: 'Scanner will not send to email', company: 'Northwind Traders' } });
    resolvedId = session!.id;
    await as(accessToken, 'POST', `/v1/sessions/${resolvedId}/events`, { kind: 'note', text: 'Updated the SMTP relay password on the scanner' });
    await as(accessToken, 'POST', `/v1/sessions/${resolvedId}/resolve`, { rootCause: 'SMTP relay password expired' });
    eb = await launchWithExtension({ simPort: stack.sim.port });
  });
  afterAll(async () => {
    await eb?.close();
    await stack?.close();
  });

  /** The API has answered the current filters: the list is not busy and holds `n` sessions. */
  const answered = (n: number) =>
    ws.waitForFunction((k) => document.querySelector('[data-fp="ws-session-list"]')?.getAttribute('aria-busy') === 'false' && document.querySelectorAll('[data-fp="ws-session"]').length === k, { timeout: 15_000 }, n);
  const tickets = () => ws.$$eval('[data-fp="ws-session"]', (els) => els.map((e) => e.textContent ?? ''));
  /** Date inputs take their value as the browser's picker sets it, with the events it fires. */
  const setDate = (name: string, value: string) =>
    ws.$eval(`input[name="${name}"]`, (e, v) => {
      (e as HTMLInputElement).value = v;
      e.dispatchEvent(new Event('input', { bubbles: true }));
      e.dispatchEvent(new Event('change', { bubbles: true }));
    }, value);
  const waitText = (sel: string, want: string) => ws.waitForFunction((s, w) => document.querySelector(s)?.textContent?.includes(w), { timeout: 10_000 }, sel, want);

  it('pages the history 25 at a time: Load more brings the rest', async () => {
    const options = await signInViaOptions(eb, stack.apiUrl, stack.account.email, stack.account.password);
    const opened = eb.browser.waitForTarget((t) => t.url().endsWith('/workspace.html'));
    await options.click('[data-fp="opt-workspace"]');
    ws = (await (await opened).page())!;
    await ws.setViewport({ width: 1300, height: 1000 });
    await ws.waitForSelector('[data-fp="ws"]', { timeout: 15_000 });
    await ws.click('[data-fp="ws-nav-sessions"]');
    await answered(25);
    // Newest first: Ravi's two, then John's from the last one made.
    expect((await tickets())[0]).toContain('#186102');
    await ws.waitForSelector('[data-fp="ws-sessions-more"]');
    await ws.click('[data-fp="ws-sessions-more"]');
    await answered(28);
    await ws.waitForFunction(() => !document.querySelector('[data-fp="ws-sessions-more"]') && document.querySelector('[data-fp="ws-sessions-busy"]')?.textContent === '');
    expect(new Set(await tickets()).size).toBe(28);
    expect((await tickets())[27]).toContain('#186001');
  });

  it('filters on the server by engineer, status and date range', async () => {
    await ws.waitForFunction((id) => Boolean(document.querySelector(`select[name="historyEngineer"] option[value="${id}"]`)), {}, raviId);
    await ws.select('select[name="historyEngineer"]', raviId);
    await answered(2);
    expect((await tickets()).every((t) => t.includes('Ravi Kumar') && t.includes('Northwind Traders'))).toBe(true);

    await ws.select('select[name="historyStatus"]', 'resolved');
    await answered(1);
    expect((await tickets())[0]).toContain('#186102 Scanner will not send to email');

    await setDate('historyFrom', tomorrow());
    await answered(0);
    await waitText('[data-fp="ws-sessions-msg"]', 'No session matches.');
    await setDate('historyFrom', today());
    await setDate('historyTo', today());
    await answered(1);
    await screenshot(ws, 'workspace-session-filters');
  });

  it('shows the session read-only with its note, makes a share link, copies it, and anyone holding it reads the note', async () => {
    await ws.click(`[data-fp="ws-session"][data-session-id="${resolvedId}"] .fp-flow-title`);
    await ws.waitForSelector('[data-fp="ws-session-view"] [data-fp="ws-shares-none"]', { timeout: 10_000 });
    const view = await ws.$eval('[data-fp="ws-session-view"]', (e) => (e as HTMLElement).innerText);
    expect(view).toContain('Ticket #186102');
    expect(view).toContain('Ravi Kumar');
    expect(await ws.$eval('[data-fp="ws-session-note"]', (e) => e.textContent)).toContain('SMTP relay password expired');

    await ws.click('[data-fp="ws-share-create"]');
    await ws.waitForSelector('[data-fp="ws-share"][data-active="yes"]', { timeout: 10_000 });
    const state = await ws.$eval('[data-fp="ws-share"] [data-fp="ws-share-state"]', (e) => e.textContent ?? '');
    expect(state).toMatch(/^expires /);
    const url = await ws.$eval('[data-fp="ws-share-url"]', (e) => (e as HTMLInputElement).value);
    expect(url).toMatch(/\/v1\/shared\/fpsl_/);
    const { shares } = await stack.api<{ shares: { id: string; expiresAt: string; revokedAt: string | null }[] }>('GET', `/v1/sessions/${resolvedId}/shares`);
    expect(shares).toHaveLength(1);
    expect(await ws.$eval('[data-fp="ws-share"]', (e) => e.getAttribute('data-share-id'))).toBe(shares[0]!.id);
    // Who made it and when it stops working, as the API stored it (shown in the browser's own locale).
    expect(await ws.$eval('[data-fp="ws-share"]', (e) => e.textContent)).toContain('John Doe');
    expect(state).toBe(`expires ${await ws.evaluate((at) => new Date(at).toLocaleString(), shares[0]!.expiresAt)}`);

    await eb.browser.defaultBrowserContext().overridePermissions(`chrome-extension://${eb.extensionId}`, ['clipboard-read', 'clipboard-write', 'clipboard-sanitized-write']);
    await ws.click('[data-fp="ws-share-copy"]');
    await waitText('[data-fp="ws-share-msg"]', 'Link copied.');
    expect(await ws.evaluate(() => navigator.clipboard.readText())).toBe(url);

    const open = await fetch(stack.apiUrl + new URL(url).pathname);
    expect(open.status).toBe(200);
    expect(await open.json()).toMatchObject({ readOnly: true, session: { ticket: { externalId: '186102' } } });
    await screenshot(ws, 'workspace-session-share');
  });

  it('revokes the link: it shows as revoked, and the public link answers 410', async () => {
    const url = await ws.$eval('[data-fp="ws-share-url"]', (e) => (e as HTMLInputElement).value);
    ws.once('dialog', (d) => void d.accept());
    await ws.click('[data-fp="ws-share-revoke"]');
    await ws.waitForSelector('[data-fp="ws-share"][data-active="no"]', { timeout: 10_000 });
    expect(await ws.$eval('[data-fp="ws-share-state"]', (e) => e.textContent)).toBe('revoked');
    expect(await ws.$('[data-fp="ws-share-revoke"]')).toBeNull();
    expect(await ws.$('[data-fp="ws-share-url"]')).toBeNull();

    const { shares } = await stack.api<{ shares: { revokedAt: string | null }[] }>('GET', `/v1/sessions/${resolvedId}/shares`);
    expect(shares[0]!.revokedAt).not.toBeNull();
    const gone = await fetch(stack.apiUrl + new URL(url).pathname);
    expect(gone.status).toBe(410);
    expect(await gone.json()).toMatchObject({ error: { code: 'share_link_revoked' } });
  });
});
