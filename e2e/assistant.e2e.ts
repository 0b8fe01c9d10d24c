// The standalone assistant (issue #15 item 4): asked from the popup about a problem, not a ticket; the answer is
// streamed prose with a cited source that opens the workspace; a follow-up stays in the same conversation; the
// workspace's Assistant section shows the same conversation. The stack has no model keys: the offline copilot answers.
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchWithExtension, screenshot, type ExtensionBrowser } from './lib/browser.js';
import { signInViaOptions } from './lib/extension.js';
import { OUTLOOK_FLOW, startStack, type Stack } from './lib/stack.js';

const FIRST = 'How do I fix the Outlook password prompt loop?';
const FOLLOW_UP = 'And if Outlook still asks for the password after that?';

/** Types a question and waits until its answer is stored (no answer streaming, `count` answers on screen). */
async function ask(page: Page, question: string, count: number) {
  await page.type('[data-fp="assistant-input"]', question);
  await page.click('[data-fp="assistant-ask"]');
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-fp="assistant-answer"]').length === n && !document.querySelector('[data-fp="assistant-pending"]'),
    { timeout: 20_000 },
    count,
  );
}

const texts = (page: Page, selector: string) => page.$$eval(selector, (els) => els.map((e) => (e as HTMLElement).innerText.trim()));

describe('the standalone assistant', () => {
  let stack: Stack;
  let eb: ExtensionBrowser;
  let popup: Page;
  let flowId: string;
  let conversationId: string;

  beforeAll(async () => {
    stack = await startStack(inject('e2eAppUrl'));
    flowId = (await stack.api<{ flow: { id: string } }>('POST', '/v1/flows', OUTLOOK_FLOW)).flow.id;
    eb = await launchWithExtension({ simPort: stack.sim.port });
    await (await signInViaOptions(eb, stack.apiUrl, stack.account.email, stack.account.password)).close();
  });
  afterAll(async () => {
    await eb?.close();
    await stack?.close();
  });

  it('answers a question in the popup with a cited source, and a follow-up in the same conversation', async () => {
    popup = await eb.browser.newPage();
    await popup.setViewport({ width: 420, height: 900 });
    await popup.goto(`chrome-extension://${eb.extensionId}/popup.html`);
    await popup.waitForSelector('[data-fp="assistant-input"]', { timeout: 15_000 });

    await ask(popup, FIRST, 1);
    const [answer] = await texts(popup, '[data-fp="assistant-answer"] .fp-assistant-a');
    expect(answer!.trim().startsWith('{')).toBe(false);
    expect(answer).toMatch(/\[1\]/);
    expect(await texts(popup, '[data-fp="assistant-answer"] [data-fp="assistant-source"]')).toContain(`Flow: ${OUTLOOK_FLOW.title}`);
    expect(await texts(popup, '[data-fp="assistant-answer"] [data-fp="assistant-tier"]')).toEqual(['offline']);

    await ask(popup, FOLLOW_UP, 2);
    expect(await texts(popup, '[data-fp="assistant-question"]')).toEqual([FIRST, FOLLOW_UP]);
    // Both questions are one conversation of the user's, stored by the API.
    const { conversations } = await stack.api<{ conversations: { id: string; title: string; turns: number }[] }>('GET', '/v1/assistant/conversations');
    expect(conversations).toHaveLength(1);
    expect(conversations[0]!.turns).toBe(4);
    conversationId = conversations[0]!.id;
    await popup.waitForSelector(`[data-fp="assistant-conversation"][data-conversation-id="${conversationId}"][aria-current="true"]`);
    await screenshot(popup, 'assistant-popup');
  });

  it('opens a cited flow in the workspace', async () => {
    const opened = eb.browser.waitForTarget((t) => t.url().includes('/workspace.html#/v1/flows/'));
    await popup.click(`[data-fp="assistant-answer"] [data-fp="assistant-source"][data-ref="/v1/flows/${flowId}"]`);
    const ws = (await (await opened).asPage())!;
    await ws.waitForFunction((title) => [...document.querySelectorAll('input')].some((i) => i.value === title), { timeout: 15_000 }, OUTLOOK_FLOW.title);
    await ws.close();
  });

  it('shows the conversation in the workspace Assistant section, where it continues', async () => {
    const ws = await eb.browser.newPage();
    await ws.setViewport({ width: 1300, height: 1000 });
    await ws.goto(`chrome-extension://${eb.extensionId}/workspace.html`);
    await ws.waitForSelector('[data-fp="ws-nav-assistant"]', { timeout: 15_000 });
    await ws.click('[data-fp="ws-nav-assistant"]');
    const entry = `[data-fp="assistant-conversation"][data-conversation-id="${conversationId}"]`;
    await ws.waitForSelector(entry);
    await ws.click(entry);
    await ws.waitForFunction(() => document.querySelectorAll('[data-fp="assistant-answer"]').length === 2);
    expect(await texts(ws, '[data-fp="assistant-question"]')).toEqual([FIRST, FOLLOW_UP]);
    expect(await texts(ws, '[data-fp="assistant-answer"] [data-fp="assistant-source"]')).toContain(`Flow: ${OUTLOOK_FLOW.title}`);
    await screenshot(ws, 'assistant-workspace');

    await ask(ws, 'Which flow covers this?', 3);
    const { turns } = await stack.api<{ turns: unknown[] }>('GET', `/v1/assistant/conversations/${conversationId}`);
    expect(turns).toHaveLength(6);
    await ws.close();
  });
});
