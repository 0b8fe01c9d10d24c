// The API killed outright (SIGKILL, no graceful shutdown) while the panel works on: the facts added meanwhile
// wait in the offline queue and, once the API is restarted on the same port, arrive once each and in order.
import postgres from 'postgres';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { inPanel, waitForPanelText, type ExtensionBrowser } from './lib/browser.js';
import { openTicketSignedIn, startWithoutFlow } from './lib/extension.js';
import { waitForPanelGone } from './lib/panel.js';
import { startStack, type Stack } from './lib/stack.js';

const TICKET = 184206;

describe('offline queue across an API crash', () => {
  let stack: Stack;
  let eb: ExtensionBrowser;
  let page: Page;
  let owner: postgres.Sql;
  let sessionId: string;

  beforeAll(async () => {
    stack = await startStack(inject('e2eAppUrl'), { childProcess: true });
    owner = postgres(inject('e2eOwnerUrl'), { max: 1, onnotice: () => {} });
    ({ eb, page } = await openTicketSignedIn(stack, TICKET));
    sessionId = await startWithoutFlow(page);
  });
  afterAll(async () => {
    await eb?.close();
    await stack?.close();
    await owner?.end({ timeout: 5 });
  });

  async function addFact(text: string) {
    const input = await inPanel(page, '[data-fp="fact-input"]');
    await input.type(text);
    await (await inPanel(page, '[data-fp="fact-add"]')).click();
    // The panel shows the fact (queued or stored) and clears the input before the next one is typed.
    await waitForPanelText(page, text);
  }

  /** What the database holds for the session, read as the owner (behind the API's back). */
  const storedFacts = async () =>
    (await owner<{ text: string }[]>`select text from session_facts where session_id = ${sessionId} order by created_at, id`).map((r) => r.text);

  it('facts queued while the API process is dead are replayed once each, in order, after it is restarted', async () => {
    await addFact('Printer online before the crash');
    await expect.poll(storedFacts, { timeout: 10_000 }).toEqual(['Printer online before the crash']);

    await stack.killApi();
    const queued = ['Spooler restarted on the print server', 'Blank pages persist from exam room 3', 'Toner cartridge reseated', 'Firmware 4.2 applied'];
    await addFact(queued[0]!);
    await inPanel(page, '[data-fp="offline-badge"]');
    for (const text of queued.slice(1)) await addFact(text);
    await waitForPanelText(page, `${queued.length} queued`);
    // Nothing reached the database while the API was dead.
    expect(await storedFacts()).toEqual(['Printer online before the crash']);

    await stack.startApi();
    await waitForPanelGone(page, '[data-fp="offline-badge"]', 45_000);
    await waitForPanelText(page, queued.at(-1)!);
    expect(await storedFacts()).toEqual(['Printer online before the crash', ...queued]);
    // And they stay that way: no late duplicate from a retry the background still had in flight.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await storedFacts()).toEqual(['Printer online before the crash', ...queued]);
  });
});
