// Every e2e access to the FlowPilot panel. Its shadow root is closed, so the page's own scripts cannot reach it;
// tests reach it as the extension does: from the content script's isolated world, through chrome.dom.openOrClosedShadowRoot.
import type { ElementHandle, Page, Realm } from 'puppeteer';
import { screenshot } from './browser.js';

/** The panel's host element, in the page's light DOM. */
export const PANEL_HOST = 'flowpilot-panel';
const DEFAULT_TIMEOUT = 15_000;
const POLL_MS = 100;
/** How long an element's box must hold still before a click or a keystroke goes to it. */
const STABLE_MS = 80;

/** The panel's shadow root (or null), as an expression evaluated in the content script's world. */
const ROOT = `(() => {
  const host = document.querySelector(${JSON.stringify(PANEL_HOST)});
  return host ? chrome.dom.openOrClosedShadowRoot(host) ?? null : null;
})()`;

/** The content script's isolated world in the page's top frame (the panel runs there). Waits for it to exist. */
async function contentScriptWorld(page: Page, deadline: number): Promise<Realm> {
  for (;;) {
    const realm = page.extensionRealms().find((r) => r.origin?.startsWith('chrome-extension://'));
    if (realm) return realm;
    if (Date.now() > deadline) throw new Error("the extension's content script is not running in this page");
    await sleep(POLL_MS);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Races one evaluation against the deadline: during a navigation the world may have no context for a while. */
function beforeDeadline<T>(work: Promise<T>, deadline: number): Promise<T> {
  const left = Math.max(deadline - Date.now(), 1);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), left)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * `fn(root, ...args)` as an expression: `root` is the panel's shadow root (null when there is no panel). Args go
 * as JSON. A string, not a function, so nothing is eval'd inside the content script's world (its CSP forbids it);
 * `__name` is defined for functions compiled with esbuild's keepNames.
 */
function callExpression(fn: (...a: never[]) => unknown, args: unknown[]): string {
  return `(() => { const __name = (f) => f; return (${fn.toString()})(${ROOT}, ...${JSON.stringify(args)}); })()`;
}

type PanelFn<A extends unknown[], R> = (root: ShadowRoot | null, ...args: A) => R;

/** Runs `fn(root, ...args)` once in the content script's world and returns its (serialisable) result. */
export async function panelEval<A extends unknown[], R>(page: Page, fn: PanelFn<A, R>, ...args: A): Promise<Awaited<R>> {
  const deadline = Date.now() + DEFAULT_TIMEOUT;
  const realm = await contentScriptWorld(page, deadline);
  return beforeDeadline(realm.evaluate(callExpression(fn as (...a: never[]) => unknown, args)), deadline) as Promise<Awaited<R>>;
}

/** Polls `fn(root, ...args)` until it returns something truthy, and returns that; survives navigations and reloads. */
export async function panelWaitFor<A extends unknown[], R>(
  page: Page,
  fn: PanelFn<A, R>,
  options: { timeout?: number; what?: string } = {},
  ...args: A
): Promise<Awaited<R>> {
  const timeout = options.timeout ?? DEFAULT_TIMEOUT;
  const deadline = Date.now() + timeout;
  let lastError: unknown;
  for (;;) {
    try {
      const realm = await contentScriptWorld(page, deadline);
      const value = await beforeDeadline(realm.evaluate(callExpression(fn as (...a: never[]) => unknown, args)), deadline);
      if (value) return value as Awaited<R>;
    } catch (err) {
      // A navigation destroyed the context mid-call, or the content script is not there yet: try again.
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = `waiting ${timeout} ms${lastError instanceof Error ? `; last error: ${lastError.message}` : ''}`;
      throw await explain(page, options.what ?? 'panel condition', why);
    }
    await sleep(POLL_MS);
  }
}

/** The first element in the panel matching `selector`, now, or null. */
export async function panelQuery(page: Page, selector: string): Promise<ElementHandle<Element> | null> {
  const realm = await contentScriptWorld(page, Date.now() + DEFAULT_TIMEOUT);
  const expr = callExpression(((root: ShadowRoot | null, sel: string) => root?.querySelector(sel) ?? null) as (...a: never[]) => unknown, [selector]);
  const handle = await realm.evaluateHandle(expr);
  const element = handle.asElement() as ElementHandle<Element> | null;
  if (!element) await handle.dispose();
  return element;
}

/** Waits for an element in the panel and returns its handle (click, type, evaluate work as on any handle). */
export async function waitForPanel(page: Page, selector: string, timeout = DEFAULT_TIMEOUT): Promise<ElementHandle<Element>> {
  const deadline = Date.now() + timeout;
  await panelWaitFor(page, (root, sel) => Boolean(root?.querySelector(sel)), { timeout, what: `panel element ${selector}` }, selector);
  // Found: take the handle (it could vanish in between on a re-render, so look again until the deadline).
  for (;;) {
    const element = await panelQuery(page, selector).catch(() => null);
    if (element) return settled(element, deadline);
    if (Date.now() > deadline) throw await explain(page, `panel element ${selector}`, 'it appeared, then went');
    await sleep(POLL_MS);
  }
}

/**
 * The element once it stops moving: the same box in two reads a moment apart (Playwright calls this "stable").
 * A card that loads above it (the summary, the client's memory) would otherwise move it between finding it and
 * clicking it, and the click would land on whatever took its place.
 */
async function settled(element: ElementHandle<Element>, deadline: number): Promise<ElementHandle<Element>> {
  let last = '';
  for (;;) {
    const box = JSON.stringify(await element.boundingBox().catch(() => null));
    if (box === last || Date.now() > deadline) return element;
    last = box;
    await sleep(STABLE_MS);
  }
}

/** Waits until the panel is there and nothing in it matches `selector` (a panel still loading does not count). */
export async function waitForPanelGone(page: Page, selector: string, timeout = DEFAULT_TIMEOUT): Promise<void> {
  await panelWaitFor(
    page,
    (root, sel) => Boolean(root?.querySelector('.fp-dock, .fp-tab')) && !root?.querySelector(sel),
    { timeout, what: `panel element ${selector} to go` },
    selector,
  );
}

export async function panelClick(page: Page, selector: string, timeout = DEFAULT_TIMEOUT): Promise<void> {
  await (await waitForPanel(page, selector, timeout)).click();
}

export async function panelType(page: Page, selector: string, text: string, timeout = DEFAULT_TIMEOUT): Promise<void> {
  await (await waitForPanel(page, selector, timeout)).type(text);
}

/** The panel's rendered text (the dock, or the collapsed tab), without its stylesheet; '(no panel)' when there is none. */
export async function panelText(page: Page): Promise<string> {
  return panelEval(page, (root) => (root?.querySelector('.fp-dock, .fp-tab') as HTMLElement | null)?.innerText ?? '(no panel)');
}

/** Waits until the panel's text contains `text`. */
export async function waitForPanelText(page: Page, text: string, timeout = DEFAULT_TIMEOUT): Promise<void> {
  await panelWaitFor(page, (root, t) => Boolean(root?.querySelector('.fp-dock, .fp-tab')?.textContent?.includes(t)), { timeout, what: `text "${text}"` }, text);
}

/** Whether the panel's host element is in the page (the page can see the host, not what is inside it). */
export async function panelHostPresent(page: Page): Promise<boolean> {
  return page.evaluate((host) => Boolean(document.querySelector(host)), PANEL_HOST);
}

/** Waits until the panel's host is gone from the page. */
export async function waitForNoPanel(page: Page, timeout = 10_000): Promise<void> {
  await page.waitForFunction((host) => !document.querySelector(host), { timeout, polling: 200 }, PANEL_HOST);
}

/** What the page's own scripts (its main world) see of the panel: the host, and no way in. */
export async function panelAsThePageSeesIt(page: Page): Promise<{ host: boolean; shadowRoot: 'null' | 'object' | 'no host'; text: string }> {
  return page.evaluate((hostName) => {
    const host = document.querySelector(hostName);
    return {
      host: Boolean(host),
      shadowRoot: !host ? ('no host' as const) : host.shadowRoot === null ? ('null' as const) : ('object' as const),
      text: (host as HTMLElement | null)?.innerText ?? '',
    };
  }, PANEL_HOST);
}

/** A failed wait, with what the panel showed and a screenshot, so a red run says why. */
async function explain(page: Page, what: string, why: string): Promise<Error> {
  const shown = await panelText(page).catch(() => '(no panel)');
  await screenshot(page, `FAILED-${what.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`).catch(() => {});
  return new Error(`Timed out on ${what} (${why}).\nThe panel showed:\n${shown}`);
}
