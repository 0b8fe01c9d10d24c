// Closing a ticket from the panel (issue #13): close-out as one action (and its retry), the fix decisions and the
// scripts-to-review badge, escalation with a preview, share links; and the measured cost of documentation:
// clicks and keystrokes from "fix accepted" to "note on the ticket, status changed, time logged, session resolved".
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ElementHandle, Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { inPanel, panelVisibleText, screenshot, waitForPanelText, type ExtensionBrowser } from './lib/browser.js';
import { openTicketSignedIn, startWithoutFlow } from './lib/extension.js';
import { panelEval, panelWaitFor } from './lib/panel.js';
import { startStack, type Stack } from './lib/stack.js';

const MEASURED_TICKET = 184209; // Help Desk, "New"
const RETRY_TICKET = 184210; // Help Desk, "Waiting on Client"
const ESCALATE_TICKET = 184213; // Help Desk, "In Progress"
const DECISIONS_TICKET = 184205; // Help Desk, "New"
const BOARD_TICKET = 184203; // Help Desk, "Scheduled"
const TIER2 = { board: 9, status: 902 }; // "Tier 2 Escalations", its "Engineer Assigned"
const CLOSED = 536; // Help Desk's ">Closed"
const ESCALATED = 535; // Help Desk's "Escalated"
const MEMBER = 'jdoe';
const RESULTS = path.resolve(import.meta.dirname, '../bench/results');

type Session = { status: string; rootCause: string | null };

const ticketUrl = (eb: ExtensionBrowser, ticket: number) => eb.cwUrl(`/v2025_1/ConnectWise.aspx?locale=en_US&routeTo=ServiceFV&srRecID=${ticket}`);

/** Clicks an element of the panel after scrolling it into view (the panel body scrolls). */
async function click(page: Page, selector: string) {
  const el = (await inPanel(page, selector, 20_000)) as ElementHandle<Element>;
  await el.evaluate((e) => e.scrollIntoView({ block: 'center' }));
  await el.click();
}

async function shoot(page: Page, selector: string, name: string) {
  const el = await inPanel(page, selector);
  await el.evaluate((e) => e.scrollIntoView({ block: 'start' }));
  // Let the scrolled panel repaint before the capture (a capture mid-scroll shows stale tiles).
  await new Promise((r) => setTimeout(r, 250));
  await screenshot(page, name);
}

/** Types a fix into the panel and makes it the session's suggested fix. */
async function proposeFix(page: Page, title: string, body: string) {
  await click(page, '[data-fp="fix-propose-open"]');
  await (await inPanel(page, '[data-fp="fix-title-input"]')).type(title);
  await (await inPanel(page, '[data-fp="fix-body-input"]')).type(body);
  await click(page, '[data-fp="fix-propose"]');
  await panelWaitFor(page, (root, t) => root?.querySelector('[data-fp="fix-title"]')?.textContent === t, { what: 'the proposed fix' }, title);
}

/**
 * Counts every real click and key press from now on, wherever it lands: on the page (its document) and inside the
 * panel (its closed shadow root, from the content script's world; the panel keeps its key presses from the page).
 */
async function startCounting(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { __fpPage: { clicks: number; keys: number } };
    w.__fpPage = { clicks: 0, keys: 0 };
    document.addEventListener('click', () => w.__fpPage.clicks++, true);
    document.addEventListener('keydown', () => w.__fpPage.keys++, true);
  });
  await panelEval(page, (root) => {
    const w = globalThis as unknown as { __fpPanel: { clicks: number; keys: number } };
    w.__fpPanel = { clicks: 0, keys: 0 };
    root!.addEventListener('click', () => w.__fpPanel.clicks++, true);
    root!.addEventListener('keydown', () => w.__fpPanel.keys++, true);
    return true;
  });
}

async function counted(page: Page) {
  // A click inside the panel reaches the page's document too (retargeted to the panel's host): count it once.
  const onPage = await page.evaluate(() => (window as unknown as { __fpPage: { clicks: number; keys: number } }).__fpPage);
  const inPanelCount = await panelEval(page, () => (globalThis as unknown as { __fpPanel: { clicks: number; keys: number } }).__fpPanel);
  return { clicks: Math.max(onPage.clicks, inPanelCount.clicks), keystrokes: Math.max(onPage.keys, inPanelCount.keys), panelClicks: inPanelCount.clicks };
}

describe('closing a ticket from the panel', () => {
  let stack: Stack;
  let eb: ExtensionBrowser;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack(inject('e2eAppUrl'));
    const c = stack.sim.credentials;
    await stack.api('PUT', '/v1/settings/psa', { site: stack.sim.url, companyId: c.companyId, publicKey: c.publicKey, privateKey: c.privateKey, clientId: c.clientId });
    // No member mapping yet: the first close-out's time step fails on purpose (see the retry test).
    ({ eb, page } = await openTicketSignedIn(stack, RETRY_TICKET));
  });
  afterAll(async () => {
    await eb?.close();
    await stack?.close();
  });

  it('shows a failed step and retries only what failed: one note, one time entry, no duplicates', async () => {
    const sessionId = await startWithoutFlow(page);
    await proposeFix(page, 'Re-add the scanner SMTP relay credentials', 'Set-SmtpRelay -Device RICOH-MP-C3004 -Auth modern');
    await click(page, '[data-fp="fix-accept"]');
    await inPanel(page, '[data-fp="closeout"]');
    // The root cause comes prefilled from the accepted fix; the customer is not emailed unless asked.
    expect(await (await inPanel(page, '[data-fp="closeout-root-cause"]')).evaluate((e) => (e as HTMLTextAreaElement).value)).toBe('Re-add the scanner SMTP relay credentials');
    expect(await (await inPanel(page, '[data-fp="closeout-email"]')).evaluate((e) => (e as HTMLInputElement).checked)).toBe(false);
    await click(page, `[data-fp="closeout-status"][data-status-id="${CLOSED}"]`);
    await click(page, '[data-fp="closeout-confirm"]');
    await inPanel(page, '[data-fp="closeout-steps"]', 30_000);
    const state = (step: string) => panelEval(page, (root, s) => root?.querySelector(`[data-fp="closeout-step"][data-step="${s}"]`)?.getAttribute('data-state') ?? null, step);
    expect(await state('note')).toBe('done');
    expect(await state('time')).toBe('failed');
    expect(await state('resolve')).toBe('skipped');
    expect(await panelVisibleText(page)).toMatch(/No time was logged/);
    const ours = () => stack.sim.data.notes.filter((n) => n.ticketId === RETRY_TICKET && n.text.includes('Re-add the scanner SMTP relay credentials'));
    expect(ours()).toHaveLength(1);
    expect(stack.sim.data.timeEntries.filter((e) => e.chargeToId === RETRY_TICKET)).toEqual([]);
    await shoot(page, '[data-fp="closeout"]', 'panel-closeout-failed-step');

    // The engineer's member is mapped (in the options page, in real life); the retry finishes without a second note.
    await stack.api('PUT', '/v1/settings/psa/members', { autoMatch: false, mappings: [{ userId: stack.account.userId, memberIdentifier: MEMBER }] });
    await click(page, '[data-fp="closeout-retry"]');
    await inPanel(page, '[data-fp="closeout-complete"]', 30_000);
    expect(await state('note')).toBe('already');
    expect(await state('time')).toBe('done');
    expect(ours()).toHaveLength(1);
    expect(stack.sim.data.timeEntries.filter((e) => e.chargeToId === RETRY_TICKET)).toHaveLength(1);
    expect(stack.sim.data.tickets.find((t) => t.id === RETRY_TICKET)).toMatchObject({ statusId: CLOSED, closedFlag: true });
    const s = await stack.api<{ session: Session }>('GET', `/v1/sessions/${sessionId}`);
    expect(s.session.status).toBe('resolved');
  });

  it('measures the documentation cost: from "fix accepted" to a closed, documented ticket in a few clicks and no typing', async () => {
    await page.goto(ticketUrl(eb, MEASURED_TICKET));
    await waitForPanelText(page, `Ticket #${MEASURED_TICKET}`);
    const sessionId = await startWithoutFlow(page);
    const notesBefore = stack.sim.data.notes.filter((n) => n.ticketId === MEASURED_TICKET).length;
    const script = 'manage-bde -protectors -add C: -RecoveryPassword\nmanage-bde -protectors -enable C:';
    await proposeFix(page, 'Re-seal BitLocker to the TPM after the BIOS update', script);
    // Keeping its script as a draft template is the seed's flywheel: the badge counts it.
    await click(page, '[data-fp="fix-draft-template"]');
    await inPanel(page, '[data-fp="fix-decision"]');
    expect(await panelVisibleText(page)).toContain('draft template');
    await panelWaitFor(page, (root) => /1 script to review/.test(root?.querySelector('[data-fp="drafts-badge"]')?.textContent ?? ''), { what: 'the scripts-to-review badge' });

    // "Fix accepted": from here on every click and key press counts, and the clock runs.
    await startCounting(page);
    const started = performance.now();
    await click(page, `[data-fp="closeout-status"][data-status-id="${CLOSED}"]`);
    await panelWaitFor(page, (root) => !(root?.querySelector('[data-fp="closeout-confirm"]') as HTMLButtonElement | null)?.disabled, { what: 'close-out ready', timeout: 20_000 });
    await shoot(page, '[data-fp="closeout"]', 'panel-closeout');
    await click(page, '[data-fp="closeout-confirm"]');
    await inPanel(page, '[data-fp="closeout-complete"]', 30_000);
    const seconds = (performance.now() - started) / 1000;
    const cost = await counted(page);
    await shoot(page, '[data-fp="closeout"]', 'panel-closeout-done');

    // What a user would check in ConnectWise: one note with the root cause, the status closed, one time entry.
    const notes = stack.sim.data.notes.filter((n) => n.ticketId === MEASURED_TICKET);
    expect(notes).toHaveLength(notesBefore + 1);
    expect(notes.at(-1)!.text).toContain('Re-seal BitLocker to the TPM after the BIOS update');
    const posts = stack.sim.requests.filter((r) => r.method === 'POST' && (r.apiPath ?? '').endsWith(`service/tickets/${MEASURED_TICKET}/notes`));
    expect(posts).toHaveLength(1);
    expect((posts[0]!.body as { processNotifications?: boolean }).processNotifications ?? false).toBe(false);
    expect(stack.sim.data.tickets.find((t) => t.id === MEASURED_TICKET)).toMatchObject({ statusId: CLOSED, closedFlag: true });
    expect(stack.sim.data.timeEntries.filter((e) => e.chargeToId === MEASURED_TICKET)).toHaveLength(1);
    const s = await stack.api<{ session: Session }>('GET', `/v1/sessions/${sessionId}`);
    expect(s.session).toMatchObject({ status: 'resolved', rootCause: 'Re-seal BitLocker to the TPM after the BIOS update' });

    expect(cost.clicks).toBe(cost.panelClicks); // every click was in the panel
    expect(cost.clicks).toBeLessThanOrEqual(5);
    expect(cost.keystrokes).toBe(0);
    expect(seconds).toBeLessThanOrEqual(30);
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(
      path.join(RESULTS, 'doc-cost.json'),
      JSON.stringify({ clicks: cost.clicks, keystrokes: cost.keystrokes, seconds: Math.round(seconds * 10) / 10, ticket: MEASURED_TICKET, measuredAt: new Date().toISOString() }, null, 2),
    );
  });

  it('dismisses a fix, then builds a script template from the next one (with its provenance)', async () => {
    await page.goto(ticketUrl(eb, DECISIONS_TICKET));
    await waitForPanelText(page, `Ticket #${DECISIONS_TICKET}`);
    const sessionId = await startWithoutFlow(page);
    await proposeFix(page, 'Replace the toner cartridge', 'n/a');
    await click(page, '[data-fp="fix-reject"]');
    await panelWaitFor(page, (root) => root?.querySelector('[data-fp="fix-decision"]')?.textContent?.includes('Dismissed'), { what: 'the dismissed fix' });
    // A dismissed fix offers no close-out.
    expect(await panelEval(page, (root) => root?.querySelector('[data-fp="closeout"]') === null)).toBe(true);
    await proposeFix(page, 'Reinstall the exam-room printer driver', 'pnputil /delete-driver oem42.inf /uninstall\npnputil /add-driver HP_UPD.inf /install');
    await click(page, '[data-fp="fix-build-template"]');
    await panelWaitFor(page, (root) => root?.querySelector('[data-fp="fix-decision"]')?.textContent?.includes('built into a template'), { what: 'the built template' });
    const fixNow = await stack.api<{ fix: { decision: string } }>('GET', `/v1/sessions/${sessionId}/fixes/active`);
    expect(fixNow.fix.decision).toBe('build_template');
    const templates = await stack.api<{ templates: { name: string; provenance: { sessionId: string } }[] }>('GET', '/v1/script-templates');
    expect(templates.templates.find((t) => t.name === 'Reinstall the exam-room printer driver')?.provenance.sessionId).toBe(sessionId);
    await inPanel(page, '[data-fp="closeout"]');
    await shoot(page, '[data-fp="fix"]', 'panel-fix-decisions');
  });

  it('escalates with a preview of the package and where it goes, then posts it once and moves the status', async () => {
    await page.goto(ticketUrl(eb, ESCALATE_TICKET));
    await waitForPanelText(page, `Ticket #${ESCALATE_TICKET}`);
    const sessionId = await startWithoutFlow(page);
    await click(page, '[data-fp="escalate-open"]');
    await (await inPanel(page, '[data-fp="escalation-reason"]')).type('Lockouts continue after the phone was re-paired; needs AD audit logs');
    await click(page, '[data-fp="escalation-preview-button"]');
    await panelWaitFor(page, (root) => root?.querySelector('[data-fp="escalation-preview"]')?.textContent?.includes('needs AD audit logs'), { what: 'the package with the reason' });
    expect(await (await inPanel(page, '[data-fp="escalation-destination"]')).evaluate((e) => e.textContent)).toMatch(
      new RegExp(`Goes to ticket #${ESCALATE_TICKET} as an internal note; the customer is not emailed`),
    );
    // A preview changes nothing.
    expect(stack.sim.data.notes.filter((n) => n.ticketId === ESCALATE_TICKET && /AD audit logs/.test(n.text))).toEqual([]);
    expect((await stack.api<{ session: Session }>('GET', `/v1/sessions/${sessionId}`)).session.status).toBe('active');
    await panelWaitFor(page, (root, id) => root?.querySelector(`[data-fp="escalation-status"] option[value="${id}"]`), { what: 'the statuses' }, String(ESCALATED));
    await (await inPanel(page, '[data-fp="escalation-status"]')).select(String(ESCALATED));
    await shoot(page, '[data-fp="escalation"]', 'panel-escalation-preview');
    await click(page, '[data-fp="escalation-send"]');
    await inPanel(page, '[data-fp="escalation-steps"]', 30_000);
    const states = await panelEval(page, (root) => [...(root?.querySelectorAll('[data-fp="escalation-step"]') ?? [])].map((e) => `${e.getAttribute('data-step')}:${e.getAttribute('data-state')}`));
    expect(states).toEqual(['escalate:done', 'note:done', 'ticket:done']);
    expect(stack.sim.data.notes.filter((n) => n.ticketId === ESCALATE_TICKET && /AD audit logs/.test(n.text))).toHaveLength(1);
    expect(stack.sim.data.tickets.find((t) => t.id === ESCALATE_TICKET)?.statusId).toBe(ESCALATED);
    expect((await stack.api<{ session: Session }>('GET', `/v1/sessions/${sessionId}`)).session.status).toBe('escalated');
    await shoot(page, '[data-fp="escalation"]', 'panel-escalation-sent');
  });

  it('shares a redacted read-only link, lists it and revokes it', async () => {
    await click(page, '[data-fp="share-open"]');
    await click(page, '[data-fp="share-create"]');
    const url = await (await inPanel(page, '[data-fp="share-url"]')).evaluate((e) => (e as HTMLInputElement).value);
    expect(url).toMatch(/\/v1\/shared\/fpsl_/);
    // The link names the API's public address; this test's API listens elsewhere.
    const local = new URL(new URL(url).pathname, stack.apiUrl).href;
    const read = await fetch(local);
    expect(read.status).toBe(200);
    await inPanel(page, '[data-fp="share-link"]');
    await shoot(page, '[data-fp="share"]', 'panel-share');
    await click(page, '[data-fp="share-revoke"]');
    await inPanel(page, '[data-fp="share-none"]');
    expect((await fetch(local)).status).not.toBe(200);
  });

  it('escalates to another board: the status picker offers that board\'s statuses, the preview says where it goes, the ticket moves once', async () => {
    await page.goto(ticketUrl(eb, BOARD_TICKET));
    await waitForPanelText(page, `Ticket #${BOARD_TICKET}`);
    const sessionId = await startWithoutFlow(page);
    await click(page, '[data-fp="escalate-open"]');
    await (await inPanel(page, '[data-fp="escalation-reason"]')).type('ERP licensing needs Tier 2');
    await click(page, '[data-fp="escalation-preview-button"]');
    await panelWaitFor(page, (root) => root?.querySelector('[data-fp="escalation-preview"]')?.textContent?.includes('ERP licensing needs Tier 2'), { what: 'the package with the reason' });
    // By default the ticket keeps its board; the retired board is never offered.
    await panelWaitFor(page, (root, id) => root?.querySelector(`[data-fp="escalation-board"] option[value="${id}"]`), { what: 'the boards' }, String(TIER2.board));
    const boardOptions = await panelEval(page, (root) => [...(root?.querySelectorAll('[data-fp="escalation-board"] option') ?? [])].map((o) => o.textContent));
    expect(boardOptions).toEqual(['Keep the board (Help Desk)', 'Network Operations', 'Projects Intake', 'Tier 2 Escalations']);
    expect(await (await inPanel(page, '[data-fp="escalation-where"]')).evaluate((e) => e.textContent)).toBe('The ticket stays on the board "Help Desk", status unchanged.');

    await (await inPanel(page, '[data-fp="escalation-board"]')).select(String(TIER2.board));
    await panelWaitFor(page, (root, id) => root?.querySelector(`[data-fp="escalation-status"] option[value="${id}"]`), { what: 'Tier 2\'s statuses' }, String(TIER2.status));
    const statusOptions = await panelEval(page, (root) => [...(root?.querySelectorAll('[data-fp="escalation-status"] option') ?? [])].map((o) => o.textContent));
    expect(statusOptions).toEqual(["The board's default", 'New (Escalated)', 'Engineer Assigned', 'Waiting on Tier 1']);
    await (await inPanel(page, '[data-fp="escalation-status"]')).select(String(TIER2.status));
    await panelWaitFor(
      page,
      (root) => root?.querySelector('[data-fp="escalation-where"]')?.textContent === 'The ticket moves to the board "Tier 2 Escalations", status "Engineer Assigned".',
      { what: 'where the ticket goes' },
    );
    // Nothing moved yet.
    expect(stack.sim.data.tickets.find((t) => t.id === BOARD_TICKET)?.boardId).toBe(1);
    await shoot(page, '[data-fp="escalation"]', 'panel-escalation-board');

    await panelWaitFor(page, (root) => (root?.querySelector('[data-fp="escalation-send"]') as HTMLButtonElement | null)?.disabled === false, { what: 'the send button' });
    await click(page, '[data-fp="escalation-send"]');
    await inPanel(page, '[data-fp="escalation-steps"]', 30_000);
    const states = await panelEval(page, (root) => [...(root?.querySelectorAll('[data-fp="escalation-step"]') ?? [])].map((e) => `${e.getAttribute('data-step')}:${e.getAttribute('data-state')}`));
    expect(states).toEqual(['escalate:done', 'note:done', 'ticket:done']);
    expect(await panelEval(page, (root) => root?.querySelector('[data-fp="escalation-step"][data-step="ticket"]')?.textContent)).toContain('Tier 2 Escalations');
    expect(stack.sim.data.tickets.find((t) => t.id === BOARD_TICKET)).toMatchObject({ boardId: TIER2.board, statusId: TIER2.status });
    expect(stack.sim.requests.filter((r) => r.method === 'PATCH' && r.apiPath === `service/tickets/${BOARD_TICKET}`)).toHaveLength(1);
    expect(stack.sim.data.notes.filter((n) => n.ticketId === BOARD_TICKET && /ERP licensing needs Tier 2/.test(n.text))).toHaveLength(1);
    expect((await stack.api<{ session: Session }>('GET', `/v1/sessions/${sessionId}`)).session.status).toBe('escalated');
    await shoot(page, '[data-fp="escalation"]', 'panel-escalation-board-sent');
  });
});
