// Driving the extension's own pages in e2e: sign in through the options page, open the popup, read storage.
import type { Page } from 'puppeteer';
import { inPanel, launchWithExtension, waitForPanelText, type ExtensionBrowser } from './browser.js';
import type { Stack } from './stack.js';

export async function optionsPage(eb: ExtensionBrowser): Promise<Page> {
  const page = await eb.browser.newPage();
  await page.goto(`chrome-extension://${eb.extensionId}/options.html`);
  await page.waitForSelector('[data-fp="opt-account"]');
  return page;
}

async function fill(page: Page, selector: string, value: string) {
  await page.click(selector, { count: 3 });
  await page.keyboard.press('Backspace');
  await page.type(selector, value);
}

/** Signs the extension in exactly as a user would, on the options page. Returns the page, still open. */
export async function signInViaOptions(eb: ExtensionBrowser, apiUrl: string, email: string, password: string): Promise<Page> {
  const page = await optionsPage(eb);
  await page.waitForFunction(() => (document.querySelector('input[name="apiBase"]') as HTMLInputElement | null)?.value !== '');
  await fill(page, 'input[name="apiBase"]', apiUrl);
  await fill(page, 'input[name="email"]', email);
  await fill(page, 'input[name="password"]', password);
  await page.click('[data-fp="opt-sign-in"]');
  await page.waitForSelector('[data-fp="opt-signed-in"]', { timeout: 15_000 });
  return page;
}

/** The id of the tab showing the simulated ConnectWise host (asked of the extension's worker). */
export async function cwTabId(eb: ExtensionBrowser): Promise<number> {
  const worker = await eb.worker();
  const id = await worker.evaluate(async () => {
    // Runs in the extension's service worker, where `chrome` is the extension API.
    const api = (globalThis as unknown as { chrome: { tabs: { query(q: { url: string }): Promise<{ id?: number }[]> } } }).chrome;
    const tabs = await api.tabs.query({ url: '*://na.myconnectwise.net/*' });
    return tabs[0]?.id ?? -1;
  });
  if (id < 0) throw new Error('no ConnectWise tab');
  return id;
}

export { fill };

/**
 * Chromium with the extension, signed in as the stack's account, on a ticket screen (`path`, by default the
 * ServiceFV deep link to `ticket`) with the panel showing that ticket.
 */
export async function openTicketSignedIn(stack: Stack, ticket: number, path?: string): Promise<{ eb: ExtensionBrowser; page: Page }> {
  const eb = await launchWithExtension({ simPort: stack.sim.port });
  await (await signInViaOptions(eb, stack.apiUrl, stack.account.email, stack.account.password)).close();
  const page = await eb.browser.newPage();
  await page.goto(eb.cwUrl(path ?? `/v2025_1/ConnectWise.aspx?locale=en_US&routeTo=ServiceFV&srRecID=${ticket}`));
  await waitForPanelText(page, `Ticket #${ticket}`);
  return { eb, page };
}

/** Starts the panel's session on the ticket without a flow (once the flow list has settled); its id. */
export async function startWithoutFlow(page: Page): Promise<string> {
  await inPanel(page, '[data-fp="flow"]');
  await (await inPanel(page, '[data-fp="start-without-flow"]')).click();
  const session = await inPanel(page, '[data-fp="session"]');
  return (await session.evaluate((e) => e.getAttribute('data-session-id')))!;
}
