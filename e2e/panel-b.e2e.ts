// Issue 13, part B, in Chromium against the simulator: similar resolutions and the company's history, the
// timeline with the engineer's own entries edited and deleted, a maintenance run's step × target grid, times in
// the account's zone, the dark theme, the shortcuts list and keys, and axe-core over the panel's shadow root.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { screenshot, type ExtensionBrowser } from './lib/browser.js';
import { openTicketSignedIn, optionsPage, startWithoutFlow } from './lib/extension.js';
import { panelClick, panelEval, panelText, panelType, panelWaitFor, waitForPanel, waitForPanelGone, waitForPanelText } from './lib/panel.js';
import { startStack, type Stack } from './lib/stack.js';

const TICKET = 184201; // "Outlook keeps prompting for password after Microsoft 365 migration", Contoso Dental Group
const PAST_FIX = 'Remove stale Office credentials and re-enable modern auth';

const MAINTENANCE_FLOW = {
  kind: 'maintenance',
  title: 'Monthly patching run (e2e)',
  description: 'Patch servers across the maintenance window.',
  tags: ['patching'],
  graph: {
    start: 'install',
    nodes: [
      { id: 'install', kind: 'action', title: 'Install the updates', options: [{ id: 'done', label: 'Installed', next: 'reboot' }] },
      { id: 'reboot', kind: 'check', title: 'Reboot and check services', options: [{ id: 'ok', label: 'Back up', next: 'report' }] },
      { id: 'report', kind: 'solution', title: 'Report the run', options: [] },
    ],
  },
};

/** A resolved session on another Contoso ticket, with `fix` accepted: what the panel should offer. */
async function pastSession(stack: Stack, externalId: string, summary: string, fix: string) {
  const { session } = await stack.api<{ session: { id: string } }>('POST', '/v1/sessions', {
    ticket: { psa: 'connectwise', externalId, summary, company: 'Contoso Dental Group' },
  });
  const proposed = await stack.api<{ fix: { id: string } }>('POST', `/v1/sessions/${session.id}/fixes`, { title: fix, body: 'cmdkey /delete for each MicrosoftOffice entry.' });
  await stack.api('POST', `/v1/sessions/${session.id}/fixes/${proposed.fix.id}/accept`);
  await stack.api('POST', `/v1/sessions/${session.id}/resolve`, { rootCause: 'Cached basic-auth credentials after the migration' });
  return session.id;
}

describe('panel part B: what was done before, the timeline, maintenance, habits', () => {
  let stack: Stack;
  let eb: ExtensionBrowser;
  let page: Page;
  let sessionId: string;
  let pastId: string;
  let maintenanceFlowId: string;

  beforeAll(async () => {
    stack = await startStack(inject('e2eAppUrl'));
    const c = stack.sim.credentials;
    await stack.api('PUT', '/v1/settings/psa', { site: stack.sim.url, companyId: c.companyId, publicKey: c.publicKey, privateKey: c.privateKey, clientId: c.clientId });
    pastId = await pastSession(stack, '990001', 'Outlook prompting for password after the Microsoft 365 migration', PAST_FIX);
    maintenanceFlowId = (await stack.api<{ flow: { id: string } }>('POST', '/v1/flows', MAINTENANCE_FLOW)).flow.id;
    ({ eb, page } = await openTicketSignedIn(stack, TICKET));
  });
  afterAll(async () => {
    await eb?.close();
    await stack?.close();
  });

  it('sets the time zone on the options page, defaulting to the ConnectWise server\'s zone from the connection test', async () => {
    const options = await optionsPage(eb);
    await options.waitForSelector('[data-fp="opt-time-zone"]');
    await options.click('[data-fp="opt-psa-test"]');
    await options.waitForSelector('[data-fp="opt-psa-test-msg"].ok', { timeout: 20_000 });
    // The simulator's server says "Eastern Standard Time": the default names it as the zone it maps to.
    await options.waitForFunction(() => document.querySelector('[data-fp="opt-time-zone"] option[value=""]')?.textContent?.includes('America/New_York'), { timeout: 10_000 });
    expect((await stack.api<{ settings: { timeZone: string | null } }>('GET', '/v1/settings')).settings.timeZone).toBeNull();
    await options.select('[data-fp="opt-time-zone"]', 'Asia/Tokyo');
    await options.click('[data-fp="opt-prefs"] button.primary');
    await options.waitForSelector('[data-fp="opt-prefs-msg"].ok', { timeout: 10_000 });
    await screenshot(options, 'panel-b-options-time-zone');
    expect((await stack.api<{ settings: { timeZone: string | null } }>('GET', '/v1/settings')).settings.timeZone).toBe('Asia/Tokyo');
    await options.close();
    await page.bringToFront();
    await page.reload();
    await waitForPanelText(page, `Ticket #${TICKET}`);
  });

  it('shows similar resolved tickets and the company history after the session, and proposes a past fix in one click', async () => {
    // The session takes the ticket as read when it starts: wait until ConnectWise has shown the company too.
    await waitForPanelText(page, 'Contoso Dental Group');
    sessionId = await startWithoutFlow(page);
    await waitForPanel(page, `[data-fp="similar"] [data-session-id="${pastId}"]`);
    const text = await panelText(page);
    expect(text).toContain('#990001');
    expect(text).toContain(`Fix that worked: ${PAST_FIX}`);
    expect(text).toContain('Contoso Dental Group: last sessions');
    await waitForPanel(page, `[data-fp="company-history"] [data-session-id="${pastId}"]`);
    await screenshot(page, 'panel-b-similar');

    await panelClick(page, `[data-fp="similar"] [data-session-id="${pastId}"] [data-fp="use-fix"]`);
    await waitForPanelGone(page, `[data-fp="similar"] [data-session-id="${pastId}"] [data-fp="use-fix"]`);
    const detail = await stack.api<{ session: { activeFix: { title: string } | null } }>('GET', `/v1/sessions/${sessionId}`);
    expect(detail.session.activeFix?.title).toBe(PAST_FIX);
    await waitForPanelText(page, PAST_FIX);
  });

  it('keeps a timeline: entries added show in order with their time in the account zone; own entries are edited and deleted', async () => {
    await panelType(page, '[data-fp="lane-input"]', 'Event 4625 logon failures from the Outlook client');
    await panelClick(page, '[data-fp="lane-add"]');
    await panelWaitFor(page, (root) => root?.querySelectorAll('[data-fp="lane-item"]').length === 1, { what: 'the observation on the timeline' });
    await (await waitForPanel(page, '[data-fp="lane-kind"]')).select('command');
    await panelType(page, '[data-fp="lane-input"]', 'cmdkey /list');
    await panelClick(page, '[data-fp="lane-add"]');
    await panelWaitFor(page, (root) => root?.querySelectorAll('[data-fp="lane-item"]').length === 2, { what: 'two timeline entries' });
    // Typed text may hold a secret: it shows only when asked for, entry by entry.
    expect(await panelText(page)).not.toContain('cmdkey /list');
    await panelClick(page, '[data-fp="lane-item"][data-kind="observation"] [data-fp="lane-show"]');
    await panelClick(page, '[data-fp="lane-item"][data-kind="command"] [data-fp="lane-show"]');
    const items = await panelEval(page, (root) =>
      [...(root?.querySelectorAll('[data-fp="lane-item"]') ?? [])].map((li) => ({ kind: li.getAttribute('data-kind'), text: li.querySelector('[data-fp="lane-text"]')?.textContent, time: li.querySelector('time')?.textContent })),
    );
    expect(items.map((i) => [i.kind, i.text])).toEqual([
      ['observation', 'Event 4625 logon failures from the Outlook client'],
      ['command', 'cmdkey /list'],
    ]);
    // Tokyo is GMT+9 all year: the entry's clock reads in the account's zone, not the browser's (UTC here).
    expect(items[0]!.time).toMatch(/GMT\+9|JST/);

    await panelClick(page, '[data-fp="lane-item"][data-kind="observation"] [data-fp="lane-edit"]');
    const input = await waitForPanel(page, '[data-fp="lane-edit-input"]');
    await input.click({ count: 3 });
    await input.type('Event 4625 logon failures (Outlook only, not OWA)');
    await panelClick(page, '[data-fp="lane-save"]');
    await waitForPanelText(page, 'Outlook only, not OWA');
    await screenshot(page, 'panel-b-timeline');

    await panelClick(page, '[data-fp="lane-item"][data-kind="command"] [data-fp="lane-delete"]');
    await panelWaitFor(page, (root) => root?.querySelectorAll('[data-fp="lane-item"]').length === 1, { what: 'the command deleted' });
    const detail = await stack.api<{ session: { lane: { kind: string; text?: string; editedAt?: string }[] } }>('GET', `/v1/sessions/${sessionId}`);
    expect(detail.session.lane).toEqual([expect.objectContaining({ kind: 'observation', text: 'Event 4625 logon failures (Outlook only, not OWA)', editedAt: expect.any(String) })]);
  });

  it('lists the shortcuts under "?" and runs them: Alt+Shift+K puts the caret in "Add a fact"', async () => {
    await panelClick(page, '[data-fp="shortcuts-toggle"]');
    await waitForPanel(page, '[data-fp="shortcuts"]');
    const text = await panelText(page);
    for (const label of ['Add a fact', 'Ask FlowPilot', 'Preview the note', 'Post the note']) expect(text).toContain(label);
    await screenshot(page, 'panel-b-shortcuts');
    await panelClick(page, '[data-fp="shortcuts-toggle"]');
    await page.keyboard.down('Alt');
    await page.keyboard.down('Shift');
    await page.keyboard.press('KeyK');
    await page.keyboard.up('Shift');
    await page.keyboard.up('Alt');
    await panelWaitFor(page, (root) => root?.activeElement?.getAttribute('data-fp') === 'fact-input', { what: 'the fact input focused' });
  });

  it('passes axe-core in its shadow root with no serious or critical violation, light and dark', async () => {
    const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    const realm = page.extensionRealms().find((r) => r.origin?.startsWith('chrome-extension://'))!;
    await realm.evaluate(axeSource);
    const run = () =>
      realm.evaluate(`(async () => {
        const host = document.querySelector('flowpilot-panel');
        const root = chrome.dom.openOrClosedShadowRoot(host);
        // Only in this isolated world: axe walks shadow roots through host.shadowRoot, null for a closed one.
        Object.defineProperty(host, 'shadowRoot', { configurable: true, get: () => root });
        const r = await axe.run(root.querySelector('.fp-dock'), { resultTypes: ['violations'] });
        return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id + ': ' + v.nodes.map((n) => n.html.slice(0, 120)).join(' | '));
      })()`) as Promise<string[]>;
    expect(await run()).toEqual([]);
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
    await waitForPanel(page, '.fp-dock[data-theme="dark"]');
    await screenshot(page, 'panel-b-dark');
    expect(await run()).toEqual([]);
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
    await waitForPanel(page, '.fp-dock[data-theme="light"]');
    // ConnectWise shown dark (its own theme restyles the page): the panel follows with the system light.
    await page.evaluate(() => document.body.style.setProperty('background-color', 'rgb(24, 26, 27)'));
    await waitForPanel(page, '.fp-dock[data-theme="dark"]');
    await page.evaluate(() => document.body.style.removeProperty('background-color'));
    await waitForPanel(page, '.fp-dock[data-theme="light"]');
  });

  it('runs a maintenance flow across targets: each cell done/failed/skipped with a note, the grid and the note per target', async () => {
    await page.goto(eb.cwUrl(`/v2025_1/ConnectWise.aspx?locale=en_US&routeTo=ServiceFV&srRecID=184204`));
    await waitForPanelText(page, 'Ticket #184204');
    await panelType(page, '[data-fp="flow-search"]', 'Monthly patching');
    await panelClick(page, `[data-fp="flow"][data-flow-id="${maintenanceFlowId}"] [data-fp="start-flow"]`);
    await panelType(page, '[data-fp="targets-input"]', 'NW-DC01, NW-SQL01, NW-FS01');
    await panelClick(page, '[data-fp="targets-set"]');
    await panelWaitFor(page, (root) => root?.querySelectorAll('[data-fp="target-cell"]').length === 3, { what: 'three target rows' });
    await (await waitForPanel(page, '[data-fp="target-cell"][data-target="NW-SQL01"] [data-fp="target-result"]')).select('failed');
    await panelType(page, '[data-fp="target-cell"][data-target="NW-SQL01"] [data-fp="target-note"]', 'KB5034441 0x80070643');
    await (await waitForPanel(page, '[data-fp="target-cell"][data-target="NW-FS01"] [data-fp="target-result"]')).select('skipped');
    await panelClick(page, '[data-fp="record-targets"]');
    await waitForPanelText(page, 'Reboot and check services');
    await panelWaitFor(page, (root) => root?.querySelectorAll('[data-fp="grid-cell"]').length === 3, { what: 'the grid row' });
    const cells = await panelEval(page, (root) => [...(root?.querySelectorAll('[data-fp="grid-cell"]') ?? [])].map((c) => [c.getAttribute('data-target'), c.getAttribute('data-result'), (c as HTMLElement).innerText]));
    expect(cells).toEqual([
      ['NW-DC01', 'done', expect.stringContaining('done')],
      ['NW-SQL01', 'failed', expect.stringContaining('KB5034441 0x80070643')],
      ['NW-FS01', 'skipped', expect.stringContaining('skipped')],
    ]);
    await screenshot(page, 'panel-b-maintenance');
    const sid = await panelEval(page, (root) => root?.querySelector('[data-fp="session"]')?.getAttribute('data-session-id'));
    const note = await stack.api<{ note: { text: string } }>('GET', `/v1/sessions/${sid}/resolution-note?format=text`);
    expect(note.note.text).toContain('PER TARGET');
    expect(note.note.text).toContain('NW-SQL01 — 1 failed: Install the updates failed (KB5034441 0x80070643)');
  });
});
