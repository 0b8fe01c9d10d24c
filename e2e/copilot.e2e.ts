// The copilot cards in the panel: the ticket summary, Ask as a conversation (streamed prose, sources that
// open the workspace, thumbs recorded as feedback, history kept with the session) and feedback on suggestions.
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { inPanel, panelVisibleText, screenshot, waitForPanelText, type ExtensionBrowser } from './lib/browser.js';
import { openTicketSignedIn, startWithoutFlow } from './lib/extension.js';
import { panelClick, panelEval, panelType, panelWaitFor } from './lib/panel.js';
import { OUTLOOK_FLOW, startStack, type Stack } from './lib/stack.js';

const TICKET = 184201;
/** Contoso Dental Group's next ticket (the simulator's #184208). */
const NEXT_TICKET = 184208;

describe('the copilot cards in the panel', () => {
  let stack: Stack;
  let eb: ExtensionBrowser;
  let page: Page;
  let flowId: string;
  let sessionId: string;

  beforeAll(async () => {
    stack = await startStack(inject('e2eAppUrl'));
    flowId = (await stack.api<{ flow: { id: string } }>('POST', '/v1/flows', OUTLOOK_FLOW)).flow.id;
    // The summary reads the ticket and its notes from ConnectWise: the account's connection is the simulator.
    const c = stack.sim.credentials;
    await stack.api('PUT', '/v1/settings/psa', { site: stack.sim.url, companyId: c.companyId, publicKey: c.publicKey, privateKey: c.privateKey, clientId: c.clientId });
    ({ eb, page } = await openTicketSignedIn(stack, TICKET));
    sessionId = await startWithoutFlow(page);
  });
  afterAll(async () => {
    await eb?.close();
    await stack?.close();
  });

  it('shows a three-line summary of the ticket, says which tier wrote it, and refreshes it', async () => {
    await inPanel(page, '[data-fp="summary-lines"]');
    const text = await panelVisibleText(page);
    expect(text).toMatch(/Problem\s*Outlook keeps prompting for password/i);
    expect(await panelEval(page, (root) => root!.querySelectorAll('[data-fp="summary-lines"] dd').length)).toBe(3);
    expect(await panelEval(page, (root) => root!.querySelector('[data-fp="summary-tier"]')?.textContent)).toBe('Offline');
    await panelClick(page, '[data-fp="summary-refresh"]');
    await inPanel(page, '[data-fp="summary-lines"]');
    await screenshot(page, 'copilot-summary');
  });

  it('answers a question as streamed prose with sources, keeps the conversation, and records thumbs', async () => {
    await panelType(page, '[data-fp="ask-input"]', 'How do I fix the Outlook password prompt loop?');
    await panelClick(page, '[data-fp="ask-button"]');
    const answer = await inPanel(page, '[data-fp="ask-answer"]');
    const answerText = await answer.evaluate((e) => (e as HTMLElement).innerText);
    expect(answerText.trim().startsWith('{')).toBe(false);
    expect(answerText).toMatch(/\[1\]/);
    expect(await panelEval(page, (root) => root!.querySelector('[data-fp="ask-question"]')?.textContent)).toBe('How do I fix the Outlook password prompt loop?');
    // The flow is a source: a link that opens the workspace on it.
    await waitForPanelText(page, `Flow: ${OUTLOOK_FLOW.title}`);
    expect(await panelEval(page, (root) => root!.querySelector('[data-fp="ask-pending"]'))).toBeNull();

    await panelClick(page, '[data-fp="ask-answer"] [data-fp="thumb-up"]');
    await waitForPanelText(page, 'Thanks: marked helpful');
    const turnId = await answer.evaluate((e) => e.getAttribute('data-turn-id'));
    const { feedback } = await stack.api<{ feedback: { target: string; targetId: string | null; rating: string }[] }>('GET', `/v1/sessions/${sessionId}/feedback`);
    expect(feedback).toEqual(expect.arrayContaining([expect.objectContaining({ target: 'answer', targetId: turnId, rating: 'up' })]));
    await screenshot(page, 'copilot-ask');

    // Opening the source: the workspace, in a new tab, on that flow's editor.
    const opened = eb.browser.waitForTarget((t) => t.url().includes('/workspace.html#/v1/flows/'));
    await panelClick(page, '[data-fp="ask-source"]');
    const ws = (await (await opened).asPage())!;
    expect(ws.url()).toContain(`#/v1/flows/${flowId}`);
    await ws.waitForFunction((title) => [...document.querySelectorAll('input')].some((i) => i.value === title), {}, OUTLOOK_FLOW.title);
    await ws.close();

    // The conversation is kept with the session: it is there when the ticket opens again.
    await page.reload();
    await inPanel(page, '[data-fp="ask-answer"]');
    expect(await panelVisibleText(page)).toContain('How do I fix the Outlook password prompt loop?');
  });

  it('records thumbs down on the suggested next step', async () => {
    await page.bringToFront();
    await panelClick(page, '[data-fp="suggest-button"]');
    await inPanel(page, '[data-fp="proposal"]');
    await panelClick(page, '[data-fp="proposal"] [data-fp="thumb-down"]');
    await waitForPanelText(page, 'Thanks: marked not helpful');
    const { feedback } = await stack.api<{ feedback: { target: string; rating: string }[] }>('GET', `/v1/sessions/${sessionId}/feedback`);
    expect(feedback).toEqual(expect.arrayContaining([expect.objectContaining({ target: 'suggestion', rating: 'down' })]));
    await screenshot(page, 'copilot-suggestion-feedback');
  });

  it('drafts a customer reply, lets the engineer edit it, and posts it as a discussion note without emailing by default', async () => {
    await page.bringToFront();
    await panelClick(page, '[data-fp="reply-draft"]');
    const box = await inPanel(page, '[data-fp="reply-text"]');
    const draft = await box.evaluate((e) => (e as HTMLTextAreaElement).value);
    expect(draft.length).toBeGreaterThan(20);
    expect(await panelEval(page, (root) => (root!.querySelector('[data-fp="reply-email"]') as HTMLInputElement).checked)).toBe(false);
    await box.type(' We will call you at 3pm.');
    await screenshot(page, 'copilot-customer-reply');
    const before = stack.sim.data.notes.filter((n) => n.ticketId === TICKET).length;
    await panelClick(page, '[data-fp="reply-post"]');
    await waitForPanelText(page, 'the customer was not emailed');
    const notes = stack.sim.data.notes.filter((n) => n.ticketId === TICKET);
    expect(notes).toHaveLength(before + 1);
    expect(notes.at(-1)).toMatchObject({ detailDescriptionFlag: true, internalAnalysisFlag: false, processNotifications: false });
    expect(notes.at(-1)!.text).toContain('We will call you at 3pm.');
  });

  it('shows what a model call would send, field by field, before any call', async () => {
    await page.bringToFront();
    await panelClick(page, '[data-fp="preview-summary"]');
    await inPanel(page, '[data-fp="outbound-preview"]');
    const fields = await panelEval(page, (root) =>
      [...root!.querySelectorAll('[data-fp="preview-field"]')].map((f) => ({ name: f.querySelector('dt')!.textContent, value: f.querySelector('dd')!.textContent })),
    );
    expect(fields).toEqual(expect.arrayContaining([{ name: 'Ticket summary (fenced as data)', value: 'Outlook keeps prompting for password after Microsoft 365 migration' }]));
    expect(await panelVisibleText(page)).toContain('What will be sent: summary');
    await screenshot(page, 'copilot-outbound-preview');
    await panelClick(page, '[data-fp="preview-close"]');
    await panelWaitFor(page, (root) => !root?.querySelector('[data-fp="outbound-preview"]'), { what: 'the preview closed' });
  });

  it('shows the company’s confirmed client memory when its ticket opens, and edits and deletes it', async () => {
    await page.bringToFront();
    await stack.api('POST', '/v1/client-memory', { company: 'Contoso Dental Group', kind: 'other', text: 'Front desk PCs share one Windows login' });
    await page.reload();
    await waitForPanelText(page, 'Front desk PCs share one Windows login');
    expect(await panelVisibleText(page)).toContain('About Contoso Dental Group');
    await screenshot(page, 'copilot-client-memory');

    await panelClick(page, '[data-fp="memory-edit"]');
    const input = await inPanel(page, '[data-fp="memory-edit-text"]');
    await input.evaluate((e) => ((e as HTMLInputElement).value = ''));
    await input.type('Front desk PCs each have their own login since December');
    await panelClick(page, '[data-fp="memory-save"]');
    await waitForPanelText(page, 'their own login since December');
    const listed = await stack.api<{ confirmed: { text: string }[] }>('GET', `/v1/client-memory?company=${encodeURIComponent('Contoso Dental Group')}`);
    expect(listed.confirmed.map((f) => f.text)).toEqual(['Front desk PCs each have their own login since December']);

    await panelClick(page, '[data-fp="memory-delete"]');
    await panelWaitFor(page, (root) => !root?.querySelector('[data-fp="client-memory"]'), { what: 'the memory card gone' });
    const after = await stack.api<{ confirmed: unknown[] }>('GET', `/v1/client-memory?company=${encodeURIComponent('Contoso Dental Group')}`);
    expect(after.confirmed).toEqual([]);
  });
  it('writes the escalation briefing into the escalation preview before anything is sent', async () => {
    await page.bringToFront();
    await stack.api('POST', `/v1/sessions/${sessionId}/facts`, { text: 'Password prompt stops when the cached credentials are cleared' });
    await page.reload();
    await waitForPanelText(page, 'Password prompt stops when the cached credentials are cleared');
    const notesBefore = stack.sim.data.notes.filter((n) => n.ticketId === TICKET).length;
    await panelClick(page, '[data-fp="escalate-open"]');
    await panelType(page, '[data-fp="escalation-reason"]', 'Prompts return after every reboot; needs the identity team');
    await panelClick(page, '[data-fp="escalation-preview-button"]');
    await panelWaitFor(page, (root) => root?.querySelector('[data-fp="escalation-preview"]')?.textContent?.includes('needs the identity team'), { what: 'the package preview' });

    await panelClick(page, '[data-fp="briefing-write"]');
    // No model keys in this stack: the offline briefing from the session, which the package already carries.
    await panelWaitFor(page, (root) => root?.querySelector('[data-fp="briefing-result"]')?.getAttribute('data-tier') === 'offline', { what: 'the offline briefing' });
    const lines = await panelEval(page, (root) => [...root!.querySelectorAll('[data-fp="briefing-lines"] dt')].map((dt) => `${dt.textContent}: ${dt.nextElementSibling?.textContent}`));
    expect(lines).toContain('Known: Password prompt stops when the cached credentials are cleared');
    expect(lines.map((l) => l.split(':')[0])).toEqual(['Known', 'Ruled out', 'Best hypothesis', 'Try next']);
    expect(await panelEval(page, (root) => root!.querySelector('[data-fp="briefing-status"]')?.textContent)).toContain('the package below already carries it');
    expect(await panelEval(page, (root) => root!.querySelector('[data-fp="escalation-preview"]')?.textContent)).toContain('Password prompt stops when the cached credentials are cleared');
    expect(await panelEval(page, (root) => root!.querySelector('[data-fp="briefing-write"]')?.textContent)).toBe('Write the briefing again');
    await panelEval(page, (root) => root!.querySelector('[data-fp="briefing"]')!.scrollIntoView({ block: 'start' }));
    await screenshot(page, 'copilot-escalation-briefing');
    // Writing the briefing sends nothing: the session is still open and the ticket has no new note.
    expect((await stack.api<{ session: { status: string } }>('GET', `/v1/sessions/${sessionId}`)).session.status).toBe('active');
    expect(stack.sim.data.notes.filter((n) => n.ticketId === TICKET)).toHaveLength(notesBefore);
  });

  it('proposes client memory when the session is resolved, shows it with its provenance on the company’s next ticket, and confirms it', async () => {
    await page.bringToFront();
    const FIREWALL = 'The office firewall is a FortiGate 60F at the Tampa site';
    await stack.api('POST', `/v1/sessions/${sessionId}/facts`, { text: FIREWALL });
    await page.reload();
    await waitForPanelText(page, FIREWALL);
    await panelClick(page, '[data-fp="resolve"]');
    // Resolved here, the session proposes what it taught about Contoso (by rules: no model keys in this stack).
    const company = encodeURIComponent('Contoso Dental Group');
    type Memory = { id: string; text: string; state: string; source: { sessionId: string | null; ticket: string | null } };
    let proposed: Memory | undefined;
    await expect
      .poll(async () => {
        proposed = (await stack.api<{ proposed: Memory[] }>('GET', `/v1/client-memory?company=${company}`)).proposed.find((f) => f.text.includes('FortiGate 60F'));
        return proposed?.source;
      }, { timeout: 15_000 })
      .toEqual({ sessionId, ticket: `#${TICKET}` });

    // Contoso's next ticket: the proposal shows there, with the ticket it came from.
    await page.goto(eb.cwUrl(`/v2025_1/ConnectWise.aspx?locale=en_US&routeTo=ServiceFV&srRecID=${NEXT_TICKET}`));
    await waitForPanelText(page, `Ticket #${NEXT_TICKET}`);
    await startWithoutFlow(page);
    const item = `[data-fp="memory-proposed"] [data-fp="memory-item"][data-memory-id="${proposed!.id}"]`;
    await panelWaitFor(page, (root, sel, from) => root?.querySelector(sel)?.textContent?.includes(from), { what: 'the proposal with its provenance' }, item, `(from ticket #${TICKET})`);
    expect(await panelEval(page, (root, sel) => root!.querySelector(sel)?.getAttribute('data-state'), item)).toBe('proposed');
    await screenshot(page, 'copilot-memory-proposed');

    await panelClick(page, `${item} [data-fp="memory-confirm"]`);
    const confirmedItem = `[data-fp="memory-item"][data-memory-id="${proposed!.id}"][data-state="confirmed"]`;
    await panelWaitFor(page, (root, sel) => Boolean(root?.querySelector(sel)), { what: 'the memory confirmed' }, confirmedItem);
    const listed = await stack.api<{ confirmed: Memory[]; proposed: Memory[] }>('GET', `/v1/client-memory?company=${company}`);
    expect(listed.confirmed.map((f) => f.id)).toContain(proposed!.id);
    expect(listed.proposed.map((f) => f.id)).not.toContain(proposed!.id);
    expect(listed.confirmed.find((f) => f.id === proposed!.id)!.source).toEqual({ sessionId, ticket: `#${TICKET}` });
  });
});
