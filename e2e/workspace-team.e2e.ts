// The workspace's Team section against the real API and the ConnectWise simulator: a user added, matched to their
// ConnectWise member by email, the account's own user mapped by hand, a role changed, a user disabled, note defaults
// and redaction rules saved after the live tester showed what they hide; then a viewer sees what they cannot do.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'puppeteer';
import { launchWithExtension, screenshot, type ExtensionBrowser } from './lib/browser.js';
import { fill, signInViaOptions } from './lib/extension.js';
import { startStack, type Stack } from './lib/stack.js';

interface TeamUser {
  id: string;
  email: string;
  role: string;
  disabled: boolean;
  member: { identifier: string; matchedBy: string } | null;
}

const ALICE = { name: 'Alice Smith', email: 'alice.smith@bluewave-it.example', password: 'alice-password-1' };

describe('workspace: the team', () => {
  let stack: Stack;
  let eb: ExtensionBrowser;
  let ws: Page;

  beforeAll(async () => {
    stack = await startStack(inject('e2eAppUrl'));
    const c = stack.sim.credentials;
    await stack.api('PUT', '/v1/settings/psa', { site: stack.sim.url, companyId: c.companyId, publicKey: c.publicKey, privateKey: c.privateKey, clientId: c.clientId });
    eb = await launchWithExtension({ simPort: stack.sim.port });
  });
  afterAll(async () => {
    await eb?.close();
    await stack?.close();
  });

  const team = async () => (await stack.api<{ users: TeamUser[]; unmapped: string[] }>('GET', '/v1/team')).users;
  const userBy = async (email: string) => (await team()).find((u) => u.email === email)!;
  const text = (sel: string) => ws.$eval(sel, (e) => e.textContent ?? '');
  const waitText = (sel: string, want: string) =>
    ws.waitForFunction((s, w) => document.querySelector(s)?.textContent?.includes(w), { timeout: 10_000 }, sel, want);

  async function openTeam(page: Page) {
    await page.waitForSelector('[data-fp="ws-nav-team"]', { timeout: 15_000 });
    await page.click('[data-fp="ws-nav-team"]');
    await page.waitForSelector('[data-fp="ws-user-row"]');
  }

  it('lists the team with who is unmapped, and a team admin adds a user', async () => {
    const options = await signInViaOptions(eb, stack.apiUrl, stack.account.email, stack.account.password);
    const opened = eb.browser.waitForTarget((t) => t.url().endsWith('/workspace.html'));
    await options.click('[data-fp="opt-workspace"]');
    ws = (await (await opened).page())!;
    await ws.setViewport({ width: 1400, height: 1300 });
    await openTeam(ws);
    // The e2e user's email matches no ConnectWise member: listed as unmapped.
    await ws.waitForSelector(`[data-fp="ws-unmapped"][data-email="${stack.account.email}"]`);
    expect(await text('[data-fp="ws-mapping"] h3')).toBe('Unmapped (1)');

    await fill(ws, 'input[name="userName"]', ALICE.name);
    await fill(ws, 'input[name="userEmail"]', ALICE.email);
    await fill(ws, 'input[name="userPassword"]', ALICE.password);
    await ws.select('select[name="userRole"]', 'engineer');
    await ws.click('[data-fp="ws-add-user"] button[type="submit"]');
    await waitText('[data-fp="ws-users-msg"]', 'Added Alice Smith as engineer');
    await ws.waitForSelector(`[data-fp="ws-user-row"][data-email="${ALICE.email}"]`);
    expect((await userBy(ALICE.email)).role).toBe('engineer');
    await waitText('[data-fp="ws-mapping"] h3', 'Unmapped (2)');
  });

  it('matches members by email, then maps the rest by hand', async () => {
    await ws.click('[data-fp="ws-auto-match"]');
    await waitText('[data-fp="ws-mapping-msg"]', 'Matched 1 by email. 1 still unmapped.');
    expect((await userBy(ALICE.email)).member).toEqual({ identifier: 'asmith', matchedBy: 'auto' });
    await ws.waitForSelector(`[data-fp="ws-mapped"][data-email="${ALICE.email}"]`);
    expect(await text(`[data-fp="ws-user-row"][data-email="${ALICE.email}"]`)).toContain('asmith (by email)');

    await ws.select(`[data-fp="ws-unmapped"][data-email="${stack.account.email}"] select`, 'jdoe');
    await waitText('[data-fp="ws-mapping"] h3', 'Everyone who logs time is mapped.');
    expect((await userBy(stack.account.email)).member).toEqual({ identifier: 'jdoe', matchedBy: 'manual' });
  });

  it('changes a role and disables a user', async () => {
    await ws.select(`[data-fp="ws-user-row"][data-email="${ALICE.email}"] [data-fp="ws-user-role"]`, 'viewer');
    await waitText('[data-fp="ws-users-msg"]', 'Alice Smith is now viewer.');
    expect((await userBy(ALICE.email)).role).toBe('viewer');

    await stack.api('POST', '/v1/users', { name: 'Ravi Kumar', email: 'ravi.kumar@bluewave-it.example', password: 'ravi-password-1', role: 'engineer' });
    await ws.click('[data-fp="ws-nav-flows"]');
    await openTeam(ws);
    const ravi = '[data-fp="ws-user-row"][data-email="ravi.kumar@bluewave-it.example"]';
    await ws.waitForSelector(ravi);
    await ws.click(`${ravi} [data-fp="ws-user-disable"]`);
    await waitText('[data-fp="ws-users-msg"]', 'Ravi Kumar is disabled and signed out.');
    expect((await userBy('ravi.kumar@bluewave-it.example')).disabled).toBe(true);
    expect(await text(ravi)).toContain('disabled');
    // A disabled user is no longer someone to map.
    expect(await ws.$(`[data-fp="ws-unmapped"][data-email="ravi.kumar@bluewave-it.example"]`)).toBeNull();
  });

  it('saves note defaults', async () => {
    await ws.select('select[name="noteFormat"]', 'markdown');
    await ws.select('select[name="noteAudience"]', 'customer');
    await ws.click('[data-fp="ws-save-note-defaults"]');
    await waitText('[data-fp="ws-note-defaults-msg"]', 'Note defaults saved.');
    const { settings } = await stack.api<{ settings: { noteFormat: string; noteDefaults: { internal: boolean } } }>('GET', '/v1/settings');
    expect(settings.noteFormat).toBe('markdown');
    expect(settings.noteDefaults.internal).toBe(false);
  });

  it('tries redaction rules live on a sample before saving them', async () => {
    await ws.type('textarea[name="redactionSample"]', 'Call Contoso about TKT-4411 before Friday.');
    await waitText('[data-fp="ws-redaction-count"]', 'Nothing would be hidden.');
    await ws.type('textarea[name="redactionPatterns"]', 'TKT-\\d+');
    await ws.type('textarea[name="redactionWords"]', 'Contoso');
    await waitText('[data-fp="ws-redaction-count"]', '2 spots hidden.');
    const shown = await text('[data-fp="ws-redaction-result"]');
    expect(shown).not.toContain('Contoso');
    expect(shown).not.toContain('TKT-4411');
    expect(shown).toContain('before Friday.');
    expect(await ws.$$eval('[data-fp="ws-redaction-result"] mark', (els) => els.length)).toBe(2);
    // Tried, not yet saved.
    const before = await stack.api<{ settings: { redaction: { patterns: string[]; words: string[] } } }>('GET', '/v1/settings');
    expect(before.settings.redaction).toEqual({ patterns: [], words: [] });

    await ws.click('[data-fp="ws-save-redaction"]');
    await waitText('[data-fp="ws-redaction-msg"]', 'Redaction rules saved.');
    const after = await stack.api<{ settings: { redaction: { patterns: string[]; words: string[] } } }>('GET', '/v1/settings');
    expect(after.settings.redaction).toEqual({ patterns: ['TKT-\\d+'], words: ['Contoso'] });
    await screenshot(ws, 'workspace-team');
  });

  it('shows a viewer what they cannot do instead of failing', async () => {
    const viewer = await launchWithExtension({ simPort: stack.sim.port });
    try {
      const options = await signInViaOptions(viewer, stack.apiUrl, ALICE.email, ALICE.password);
      const opened = viewer.browser.waitForTarget((t) => t.url().endsWith('/workspace.html'));
      await options.click('[data-fp="opt-workspace"]');
      const page = (await (await opened).page())!;
      await openTeam(page);
      expect(await page.$eval('[data-fp="ws-users-msg"]', (e) => e.textContent)).toContain('is for team admins');
      expect(await page.$('[data-fp="ws-add-user"]')).toBeNull();
      expect(await page.$('[data-fp="ws-user-role"]')).toBeNull();
      expect(await page.$('[data-fp="ws-auto-match"]')).toBeNull();
      expect(await page.$('[data-fp="ws-save-redaction"]')).toBeNull();
      expect(await page.$eval('[data-fp="ws-note-defaults"] fieldset', (e) => (e as HTMLFieldSetElement).disabled)).toBe(true);
    } finally {
      await viewer.close();
    }
  });
});
