// With the API stopped, the panel's changes wait in the offline queue and are replayed, once each, when it is back.
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { inPanel, screenshot, waitForPanelText, type ExtensionBrowser } from './lib/browser.js';
import { openTicketSignedIn, startWithoutFlow } from './lib/extension.js';
import { waitForPanelGone } from './lib/panel.js';
import { startStack, type Stack } from './lib/stack.js';

const TICKET = 184205;

describe('offline queue', () => {
  let stack: Stack;
  let eb: ExtensionBrowser;
  let page: Page;
  let sessionId: string;

  beforeAll(async () => {
    stack = await startStack(inject('e2eAppUrl'));
    ({ eb, page } = await openTicketSignedIn(stack, TICKET));
    // No flow: work the ticket with notes and facts only.
    sessionId = await startWithoutFlow(page);
  });
  afterAll(async () => {
    await eb?.close();
    await stack?.close();
  });

  async function addFact(text: string) {
    const input = await inPanel(page, '[data-fp="fact-input"]');
    await input.type(text);
    await (await inPanel(page, '[data-fp="fact-add"]')).click();
  }

  it('queues facts while the API is down, shows the count, and replays them in order when it returns', async () => {
    await stack.stopApi();
    await addFact('Blank pages only from exam room 3');
    await inPanel(page, '[data-fp="offline-badge"]');
    await addFact('Test page from the printer itself is fine');
    await waitForPanelText(page, '2 queued');
    await inPanel(page, '[data-fp="fact-queued"]');
    await screenshot(page, 'offline-queued');

    await stack.startApi();
    // The background retries with backoff (and on its alarm); the badge goes when the queue is empty.
    await waitForPanelGone(page, '[data-fp="offline-badge"]', 45_000);
    await waitForPanelText(page, 'Test page from the printer itself is fine');
    const facts = await stack.api<{ facts: { text: string }[] }>('GET', `/v1/sessions/${sessionId}/facts`);
    expect(facts.facts.map((f) => f.text)).toEqual(['Blank pages only from exam room 3', 'Test page from the printer itself is fine']);
    await screenshot(page, 'offline-replayed');
  });

  it('keeps the queue across a page reload while the API is still down', async () => {
    await stack.stopApi();
    await addFact('Driver reinstalled, still blank');
    await inPanel(page, '[data-fp="offline-badge"]');
    await page.reload();
    await waitForPanelText(page, `Ticket #${TICKET}`);
    await inPanel(page, '[data-fp="offline-badge"]');
    await stack.startApi();
    await waitForPanelGone(page, '[data-fp="offline-badge"]', 45_000);
    const facts = await stack.api<{ facts: { text: string }[] }>('GET', `/v1/sessions/${sessionId}/facts`);
    expect(facts.facts.map((f) => f.text)).toEqual([
      'Blank pages only from exam room 3',
      'Test page from the printer itself is fine',
      'Driver reinstalled, still blank',
    ]);
  });
});
