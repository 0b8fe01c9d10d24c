// The copilot cards in the panel: the ticket summary, Ask as a conversation (streamed prose, sources that
// open the workspace, thumbs recorded as feedback, history kept with the session) and feedback on suggestions.
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { inPanel, panelVisibleText, screenshot, waitForPanelText, type ExtensionBrowser } from './lib/browser.js';
import { openTicketSignedIn, startWithoutFlow } from './lib/extension.js';
import { panelClick, panelEval, panelType, panelWaitFor } from './lib/panel.js';
import { OUTLOOK_FLOW, startStack, type Stack } from './lib/stack.js';

const TICKET = 184201;

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
});
