// The copilot cards in the panel against the ConnectWise simulator: the ticket summary as a session opens.
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { inPanel, panelVisibleText, screenshot, waitForPanelText, type ExtensionBrowser } from './lib/browser.js';
import { openTicketSignedIn, startWithoutFlow } from './lib/extension.js';
import { startStack, type Stack } from './lib/stack.js';

const TICKET = 184201;

describe('the copilot cards', () => {
  let stack: Stack;
  let eb: ExtensionBrowser;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack(inject('e2eAppUrl'));
    const c = stack.sim.credentials;
    await stack.api('PUT', '/v1/settings/psa', { site: stack.sim.url, companyId: c.companyId, publicKey: c.publicKey, privateKey: c.privateKey, clientId: c.clientId });
    ({ eb, page } = await openTicketSignedIn(stack, TICKET));
  });
  afterAll(async () => {
    await eb?.close();
    await stack?.close();
  });

  it('summarises the ticket in three lines from ConnectWise when the session opens, names the tier, and refreshes', async () => {
    await startWithoutFlow(page);
    await inPanel(page, '[data-fp="summary-lines"]', 20_000);
    await waitForPanelText(page, 'Problem:');
    const text = await panelVisibleText(page);
    // The offline copilot extracts from the simulated ticket: its own words, not a placeholder.
    expect(text).toMatch(/Problem:.*Outlook/i);
    // "Tried" comes from the ticket's internal note on the simulator.
    expect(text).toMatch(/Tried:.*Called Maria/);
    expect(text).toContain('Waiting for:');
    expect(text).toContain('Offline summary');
    await screenshot(page, 'copilot-ticket-summary');
    await (await inPanel(page, '[data-fp="summary-refresh"]')).click();
    // Unchanged on ConnectWise since the first answer: the API serves it from its cache.
    await waitForPanelText(page, 'cached');
  });
});
