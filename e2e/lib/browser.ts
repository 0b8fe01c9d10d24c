// Launches Debian's Chromium with the built extension, a real ConnectWise host name mapped onto the simulator.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import puppeteer, { type Browser, type ElementHandle, type Page, type WebWorker } from 'puppeteer';

export const EXTENSION_DIR = path.resolve(import.meta.dirname, '../../.output/chrome-mv3');
export const SCREENSHOT_DIR = path.resolve(import.meta.dirname, '../screenshots');
/** The production host the content script matches; Chromium resolves it to the simulator. */
export const CW_HOST = 'na.myconnectwise.net';

export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  const found = candidates.find((p): p is string => Boolean(p) && existsSync(p!));
  if (!found) throw new Error('Chromium not found: install it (apt-get install -y chromium) or set CHROMIUM_PATH.');
  return found;
}

export interface ExtensionBrowser {
  browser: Browser;
  extensionId: string;
  worker: () => Promise<WebWorker>;
  /** `http://na.myconnectwise.net<pathAndQuery>` (served by the simulator). */
  cwUrl: (pathAndQuery: string) => string;
  close(): Promise<void>;
}

export async function launchWithExtension(opts: { simPort: number; headless?: boolean }): Promise<ExtensionBrowser> {
  const browser = await puppeteer.launch({
    executablePath: chromiumPath(),
    headless: opts.headless ?? true,
    pipe: true,
    enableExtensions: [EXTENSION_DIR],
    defaultViewport: { width: 1400, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--host-resolver-rules=MAP ${CW_HOST} 127.0.0.1:${opts.simPort}`,
      // The simulator is plain http: no https-first upgrade attempts on the mapped host.
      '--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable,HttpsFirstModeV2ForTypicallySecureUsers',
    ],
  });
  const target = await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith('chrome-extension://'), { timeout: 20_000 });
  const extensionId = new URL(target.url()).host;
  return {
    browser,
    extensionId,
    worker: async () => {
      const t = await browser.waitForTarget((x) => x.type() === 'service_worker' && x.url().startsWith(`chrome-extension://${extensionId}/`), { timeout: 20_000 });
      const w = await t.worker();
      if (!w) throw new Error('extension service worker has no worker handle');
      return w;
    },
    cwUrl: (p) => `http://${CW_HOST}${p}`,
    close: () => browser.close(),
  };
}

/** The panel's shadow root content: `flowpilot-panel >>> selector`. */
export async function inPanel(page: Page, selector: string, timeout = 15_000): Promise<ElementHandle<Element>> {
  // Interval polling, not requestAnimationFrame: a tab behind the popup or another page is hidden and gets no frames.
  const handle = await page
    .waitForFunction((sel) => document.querySelector('flowpilot-panel')?.shadowRoot?.querySelector(sel) ?? null, { timeout, polling: 100 }, selector)
    .catch(async (err: unknown) => {
      throw await explain(page, `panel element ${selector}`, err);
    });
  const element = handle.asElement() as ElementHandle<Element> | null;
  if (!element) throw new Error(`panel element ${selector} not found`);
  return element;
}

/** A failed wait, with what the panel showed and a screenshot, so a red run says why. */
async function explain(page: Page, what: string, err: unknown): Promise<Error> {
  const shown = await panelVisibleText(page).catch(() => '(no panel)');
  await screenshot(page, `FAILED-${what.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`).catch(() => {});
  return new Error(`${what} did not appear (${err instanceof Error ? err.message : String(err)}).\nThe panel showed:\n${shown}`);
}

/** The panel's rendered text (without its stylesheet). */
export async function panelVisibleText(page: Page): Promise<string> {
  return page.evaluate(() => (document.querySelector('flowpilot-panel')?.shadowRoot?.querySelector('.fp-dock, .fp-tab') as HTMLElement | null)?.innerText ?? '(no panel)');
}

/** Waits until the panel's text contains `text`. */
export async function waitForPanelText(page: Page, text: string, timeout = 15_000): Promise<void> {
  await page
    .waitForFunction(
      (t) => {
        const root = document.querySelector('flowpilot-panel')?.shadowRoot?.querySelector('.fp-dock, .fp-tab');
        return Boolean(root?.textContent?.includes(t));
      },
      { timeout, polling: 100 },
      text,
    )
    .catch(async (err: unknown) => {
      throw await explain(page, `text "${text}"`, err);
    });
}


export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) as `${string}.png` });
}
