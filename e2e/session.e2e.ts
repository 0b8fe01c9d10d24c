// Working a ticket end to end: start a flow from the popup, add facts, propose and accept a fix, post the note to the simulated ticket.
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { inPanel, launchWithExtension, panelVisibleText, screenshot, waitForPanelText, type ExtensionBrowser } from './lib/browser.js';
import { cwTabId, signInViaOptions } from './lib/extension.js';
import { panelAsThePageSeesIt, panelEval, panelWaitFor } from './lib/panel.js';
import { OUTLOOK_FLOW, startStack, type Stack } from './lib/stack.js';

const TICKET = 184201;
const MEMBER = 'jdoe';

async function openPopup(eb: ExtensionBrowser, tabId: number): Promise<Page> {
  const worker = await eb.worker();
  // The real action popup, opened the way a click would; it reads the active tab like in daily use.
  const opened = await worker
    .evaluate(async () => {
      const api = (globalThis as unknown as { chrome: { action: { openPopup(): Promise<void> } } }).chrome;
      await api.action.openPopup();
      return true;
    })
    .catch(() => false);
  if (opened) {
    const target = await eb.browser.waitForTarget((t) => t.url().endsWith('/popup.html'), { timeout: 5000 }).catch(() => null);
    const page = target ? await target.asPage() : null;
    if (page) return page;
  }
  // Fallback where openPopup is unavailable: the same page in a tab, told which tab is "active".
  const page = await eb.browser.newPage();
  await page.goto(`chrome-extension://${eb.extensionId}/popup.html?tabId=${tabId}`);
  return page;
}

describe('working a ticket from the panel', () => {
  let stack: Stack;
  let eb: ExtensionBrowser;
  let page: Page;
  let flowId: string;
  let sessionId: string;

  beforeAll(async () => {
    stack = await startStack(inject('e2eAppUrl'));
    const created = await stack.api<{ flow: { id: string } }>('POST', '/v1/flows', OUTLOOK_FLOW);
    flowId = created.flow.id;
    // The account's ConnectWise connection points at the simulator (the options scenario covers the form).
    const c = stack.sim.credentials;
    await stack.api('PUT', '/v1/settings/psa', { site: stack.sim.url, companyId: c.companyId, publicKey: c.publicKey, privateKey: c.privateKey, clientId: c.clientId });
    // The e2e user's email matches no ConnectWise member: map it by hand to John Doe (jdoe), for time entries.
    await stack.api('PUT', '/v1/settings/psa/members', { autoMatch: false, mappings: [{ userId: stack.account.userId, memberIdentifier: MEMBER }] });
    eb = await launchWithExtension({ simPort: stack.sim.port });
    (await signInViaOptions(eb, stack.apiUrl, stack.account.email, stack.account.password)).close();
    page = await eb.browser.newPage();
    await page.goto(eb.cwUrl(`/v4_6_release/services/system_io/Service/fv_sr100_request.rails?service_recid=${TICKET}`));
    await waitForPanelText(page, `Ticket #${TICKET}`);
  });
  afterAll(async () => {
    await eb?.close();
    await stack?.close();
  });

  it('starts a flow on the ticket from the popup', async () => {
    await inPanel(page, '[data-fp="flow-picker"]');
    const popup = await openPopup(eb, await cwTabId(eb));
    await popup.waitForSelector('[data-fp="popup-ticket"]', { timeout: 15_000 });
    expect(await popup.$eval('[data-fp="popup-ticket"]', (e) => e.textContent)).toContain(`#${TICKET}`);
    const start = await popup.waitForSelector(`[data-fp="popup-flow"][data-flow-id="${flowId}"] [data-fp="popup-start"]`, { timeout: 15_000 });
    await start!.click();
    await popup.waitForSelector('[data-fp="popup-started"]', { timeout: 15_000 });
    await popup.waitForFunction(() => document.querySelector('[data-fp="popup-session-status"]')?.textContent === 'active', { timeout: 10_000, polling: 100 });
    await screenshot(popup, 'popup-started-flow');
    await popup.close().catch(() => {});

    await page.bringToFront();
    const session = await inPanel(page, '[data-fp="session"]');
    sessionId = (await session.evaluate((e) => e.getAttribute('data-session-id')))!;
    await waitForPanelText(page, 'Does webmail (OWA) accept the password?');
    const sessions = await stack.api<{ sessions: { id: string; flowId: string; status: string }[] }>('GET', `/v1/sessions?ticket=${TICKET}`);
    expect(sessions.sessions).toEqual([expect.objectContaining({ id: sessionId, flowId, status: 'active' })]);
    await screenshot(page, 'panel-flow-started');
  });

  it('records a step and adds facts to "What we know"', async () => {
    await (await inPanel(page, '[data-fp="option"][data-option-id="yes"]')).click();
    await waitForPanelText(page, 'Clear cached Office credentials');
    await inPanel(page, '[data-fp="fact-input"]');
    for (const fact of ['Webmail accepts the password', 'Credential Manager holds old Exchange entries']) {
      const input = await inPanel(page, '[data-fp="fact-input"]');
      await input.type(fact);
      await (await inPanel(page, '[data-fp="fact-add"]')).click();
      await waitForPanelText(page, fact);
    }
    const facts = await stack.api<{ facts: { text: string }[] }>('GET', `/v1/sessions/${sessionId}/facts`);
    expect(facts.facts.map((f) => f.text)).toEqual(['Webmail accepts the password', 'Credential Manager holds old Exchange entries']);
    await screenshot(page, 'panel-facts');
  });

  it('proposes a fix by hand in the panel and accepts it', async () => {
    const title = 'Remove stale Office credentials and re-create the Outlook profile';
    const body = 'cmdkey /delete:MicrosoftOffice16_Data:SSPI:mlopez@contosodental.example';
    await (await inPanel(page, '[data-fp="fix-propose-open"]')).click();
    await (await inPanel(page, '[data-fp="fix-title-input"]')).type(title);
    await (await inPanel(page, '[data-fp="fix-body-input"]')).type(body);
    await (await inPanel(page, '[data-fp="fix-propose"]')).click();
    await panelWaitFor(page, (root, t) => root?.querySelector('[data-fp="fix-title"]')?.textContent === t, { what: 'the proposed fix' }, title);
    expect(await panelVisibleText(page)).toContain(body);
    const proposed = await stack.api<{ fix: { title: string; body: string; origin: string; accepted: boolean } }>('GET', `/v1/sessions/${sessionId}/fixes/active`);
    expect(proposed.fix).toMatchObject({ title, body, origin: 'user', accepted: false });

    await (await inPanel(page, '[data-fp="option"][data-option-id="done"]')).click();
    await waitForPanelText(page, 'Does Outlook still prompt?');
    await (await inPanel(page, '[data-fp="fix-accept"]')).click();
    await inPanel(page, '[data-fp="fix-decision"]');
    const active = await stack.api<{ fix: { accepted: boolean; decision: string } }>('GET', `/v1/sessions/${sessionId}/fixes/active`);
    expect(active.fix).toMatchObject({ accepted: true, decision: 'one_off' });
    await screenshot(page, 'panel-fix-accepted');
  });

  it('posts the resolution note to the ticket with the chosen flags, exactly once', async () => {
    await (await inPanel(page, '[data-fp="option"][data-option-id="fixed"]')).click();
    // Let the step land (the card above changes height) before clicking below it.
    await waitForPanelText(page, 'Stale credentials removed');
    await (await inPanel(page, '[data-fp="note-open"]')).click();
    await inPanel(page, '[data-fp="note-preview"]');
    // The page's own scripts see the panel's host and nothing inside it: the shadow root is closed to them.
    const preview = await panelWaitFor(page, (root) => root?.querySelector('[data-fp="note-preview"]')?.textContent?.trim() || '', { what: 'the note preview text' });
    const seenByPage = await panelAsThePageSeesIt(page);
    expect(seenByPage).toMatchObject({ host: true, shadowRoot: 'null' });
    expect(seenByPage.text).not.toContain(preview.slice(0, 30));
    expect(await page.evaluate(() => document.body.innerText)).not.toContain(preview.slice(0, 30));
    expect(await panelEval(page, (root) => root !== null)).toBe(true);
    await panelWaitFor(page, (root) => (root?.querySelector('[data-fp="post-note"]') as HTMLButtonElement | null)?.disabled === false, {
      timeout: 20_000,
      what: 'the post button enabled',
    });
    const notesBefore = stack.sim.data.notes.filter((n) => n.ticketId === TICKET).length;
    // The account defaults (internal, not the resolution) preset the flags; make it a customer-visible resolution.
    expect(await (await inPanel(page, '[data-fp="flag-internal"]')).evaluate((e) => (e as HTMLInputElement).checked)).toBe(true);
    expect(await (await inPanel(page, '[data-fp="flag-resolution"]')).evaluate((e) => (e as HTMLInputElement).checked)).toBe(false);
    await (await inPanel(page, '[data-fp="flag-internal"]')).click();
    await (await inPanel(page, '[data-fp="flag-resolution"]')).click();
    await (await inPanel(page, '[data-fp="post-note"]')).click();
    await inPanel(page, '[data-fp="post-confirm"]');
    await screenshot(page, 'panel-post-confirm');
    await (await inPanel(page, '[data-fp="post-confirm-yes"]')).click();
    await inPanel(page, '[data-fp="note-posted"]', 20_000);
    await waitForPanelText(page, 'Posted to ticket');

    const notes = stack.sim.data.notes.filter((n) => n.ticketId === TICKET);
    expect(notes).toHaveLength(notesBefore + 1);
    const posted = notes.at(-1)!;
    expect(posted).toMatchObject({ internalAnalysisFlag: false, resolutionFlag: true });
    expect(posted.text).toMatch(/Webmail accepts the password/);
    const sim = stack.sim.requests.filter((r) => r.method === 'POST' && /service\/tickets\/\d+\/notes$/.test(r.apiPath ?? ''));
    expect(sim).toHaveLength(1);
    expect((sim[0]!.body as { processNotifications?: boolean }).processNotifications ?? false).toBe(false);
    await screenshot(page, 'panel-note-posted');

    // Log the session's time to the ticket: the minutes come prefilled with the worked time.
    expect(stack.sim.data.timeEntries.filter((e) => e.chargeToId === TICKET)).toEqual([]);
    const minutes = Number(await (await inPanel(page, '[data-fp="time-minutes"]')).evaluate((e) => (e as HTMLInputElement).value));
    expect(Number.isInteger(minutes) && minutes >= 1).toBe(true);
    const logButton = await inPanel(page, '[data-fp="log-time"]');
    expect(await logButton.evaluate((e) => e.textContent)).toBe(`Log time to ticket #${TICKET}`);
    await logButton.click();
    await inPanel(page, '[data-fp="time-logged"]', 20_000);
    const entries = stack.sim.data.timeEntries.filter((e) => e.chargeToId === TICKET);
    expect(entries).toHaveLength(1);
    const entry = entries[0]!;
    expect(stack.sim.data.members.find((m) => m.id === entry.memberId)?.identifier).toBe(MEMBER);
    expect(entry).toMatchObject({ chargeToType: 'ServiceTicket', billableOption: 'Billable' });
    expect(Date.parse(entry.timeEnd) - Date.parse(entry.timeStart)).toBe(minutes * 60_000);
    await waitForPanelText(page, `Logged ${minutes} min · entry #${entry.id}`);
    await screenshot(page, 'panel-time-logged');
  });
});
