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

  it('posts the resolution note once through the close-out, with the chosen flags and the time; the note card keeps its preview and offers no second Post', async () => {
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

    // The fix is accepted: the close-out card is the one way to post this note.
    await inPanel(page, '[data-fp="note-post-via-closeout"]');
    expect(await panelEval(page, (root) => ['post-note', 'post-confirm', 'flag-internal'].filter((k) => root?.querySelector(`[data-fp="${k}"]`)))).toEqual([]);
    await screenshot(page, 'panel-note-via-closeout');

    // Wait for the account defaults (internal, not the resolution) and the note, then make it a customer-visible resolution.
    await panelWaitFor(page, (root) => (root?.querySelector('[data-fp="closeout-internal"]') as HTMLInputElement | null)?.checked === true, { what: 'the note defaults' });
    await panelWaitFor(page, (root) => (root?.querySelector('[data-fp="closeout-confirm"]') as HTMLButtonElement | null)?.disabled === false, { timeout: 20_000, what: 'close-out ready' });
    expect(await panelEval(page, (root) => (root?.querySelector('[data-fp="closeout-resolution"]') as HTMLInputElement | null)?.checked)).toBe(false);
    const notesBefore = stack.sim.data.notes.filter((n) => n.ticketId === TICKET).length;
    // Clicked where they are (the note above them may still re-render with the root cause), not at coordinates.
    const press = (key: string) => panelEval(page, (root, k) => ((root?.querySelector(`[data-fp="${k}"]`) as HTMLElement | null)?.click(), true), key);
    await press('closeout-internal');
    await press('closeout-resolution');
    await panelWaitFor(page, (root) => (root?.querySelector('[data-fp="closeout-resolution"]') as HTMLInputElement | null)?.checked === true, { what: 'the resolution flag' });
    const minutes = Number(await panelEval(page, (root) => (root?.querySelector('[data-fp="closeout-minutes"]') as HTMLInputElement | null)?.value));
    expect(Number.isInteger(minutes) && minutes >= 1).toBe(true);
    await press('closeout-confirm');
    await inPanel(page, '[data-fp="closeout-complete"]', 30_000);
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

    // The same confirm logged the session's time, as the mapped member, for the prefilled minutes.
    const entries = stack.sim.data.timeEntries.filter((e) => e.chargeToId === TICKET);
    expect(entries).toHaveLength(1);
    const entry = entries[0]!;
    expect(stack.sim.data.members.find((m) => m.id === entry.memberId)?.identifier).toBe(MEMBER);
    expect(entry).toMatchObject({ chargeToType: 'ServiceTicket' });
    expect(Date.parse(entry.timeEnd) - Date.parse(entry.timeStart)).toBe(minutes * 60_000);
    await panelWaitFor(page, (root) => root?.querySelector('[data-fp="closeout-step"][data-step="time"]')?.getAttribute('data-state') === 'done', { what: 'the time step' });
    await screenshot(page, 'panel-time-logged');
  });
});
