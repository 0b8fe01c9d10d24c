// Launches Debian's Chromium with the built extension, a real ConnectWise host name mapped onto the simulator.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import puppeteer, { type Browser, type Page, type WebWorker } from 'puppeteer';

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

/*
 * Panel access lives in panel.ts (the panel's shadow root is closed: tests reach it from the extension's world).
 * These names are kept for the steps written against them.
 */
export {
  /** Waits for an element in the panel and returns its handle: `inPanel(page, selector, timeout?)`. */
  waitForPanel as inPanel,
  /** The panel's rendered text (without its stylesheet). */
  panelText as panelVisibleText,
  waitForPanelText,
} from './panel.js';

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) as `${string}.png` });
}

/**
 * Waits until the flow editor's cards stop moving (the view fits itself to a step added out of sight, once it is
 * measured), so a click or a drag lands where aimed.
 */
export async function canvasSettled(page: Page): Promise<void> {
  let last = '';
  for (let i = 0; i < 50; i++) {
    const now = JSON.stringify(await page.$$eval('.react-flow__node', (els) => els.map((e) => e.getBoundingClientRect().toJSON())));
    if (now === last) return;
    last = now;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error('the canvas kept moving');
}
