// Driving the extension's own pages in e2e: sign in through the options page, open the popup, read storage.
import type { Page } from 'puppeteer';
import type { ExtensionBrowser } from './browser.js';

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
