// The panel on the simulated ConnectWise ticket screen: shows the ticket (signed out and in), keeps the tokens out of its world, follows in-place ticket switches.
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { inPanel, launchWithExtension, panelVisibleText, screenshot, waitForPanelText, type ExtensionBrowser } from './lib/browser.js';
import { signInViaOptions } from './lib/extension.js';
import { panelAsThePageSeesIt, panelEval, panelHostPresent, panelQuery, waitForNoPanel } from './lib/panel.js';
import { OUTLOOK_FLOW, startStack, type Stack } from './lib/stack.js';

describe('the FlowPilot panel on a ConnectWise ticket', () => {
  let stack: Stack;
  let eb: ExtensionBrowser;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack(inject('e2eAppUrl'));
    eb = await launchWithExtension({ simPort: stack.sim.port });
    page = await eb.browser.newPage();
  });
  afterAll(async () => {
    await eb?.close();
    await stack?.close();
  });

  it('runs only the small watcher off a ticket screen, and loads the panel once, on the first ticket', async () => {
    const board = await eb.browser.newPage();
    // Every script the page's frames parse, content scripts and injected files included.
    const cdp = await board.createCDPSession();
    const parsed: string[] = [];
    cdp.on('Debugger.scriptParsed', (e) => {
      if (e.url.startsWith('chrome-extension://')) parsed.push(new URL(e.url).pathname);
    });
    await cdp.send('Debugger.enable');
    await board.goto(eb.cwUrl('/v2025_1/ConnectWise.aspx?locale=en_US'));
    await board.waitForSelector('table.srboard-grid tr.cw-ml-row');
    // Let the watcher look (at start, on mutations, and on its 1.5 s poll).
    await new Promise((r) => setTimeout(r, 2000));
    expect(parsed).toContain('/content-scripts/ticket.js');
    expect(parsed).not.toContain('/panel.js');
    expect(await panelHostPresent(board)).toBe(false);

    await board.click('tr.cw-ml-row[data-recid="184201"]');
    await waitForPanelText(board, 'Ticket #184201');
    await board.click('[data-sim-nav="next"]');
    await waitForPanelText(board, 'Ticket #184202');
    expect(parsed.filter((p) => p === '/panel.js')).toHaveLength(1);
    await cdp.detach();
    await board.close();
  });

  it('shows the ticket number and a sign-in prompt when signed out (deep link on the production host name)', async () => {
    await page.goto(eb.cwUrl('/v2025_1/ConnectWise.aspx?locale=en_US&routeTo=ServiceFV&recid=184201'));
    await inPanel(page, '[data-fp="ticket-number"]');
    await waitForPanelText(page, 'Ticket #184201');
    await inPanel(page, '[data-fp="sign-in"]');
    // ConnectWise renders progressively; the panel follows as the fields fill in.
    await waitForPanelText(page, 'Contoso Dental Group');
    expect(await panelVisibleText(page)).toContain('Outlook keeps prompting for password');
    await screenshot(page, 'panel-signed-out');
  });

  it('shows the ticket with its flows once signed in', async () => {
    const options = await signInViaOptions(eb, stack.apiUrl, stack.account.email, stack.account.password);
    await options.close();
    await page.bringToFront();
    await inPanel(page, '[data-fp="flow-picker"]', 20_000);
    await waitForPanelText(page, 'Ticket #184201');
    await screenshot(page, 'panel-signed-in');
  });

  it("keeps the tokens out of the content script's world while the panel shows the signed-in state", async () => {
    // The tokens exist, in the background's storage.local (the worker reads it).
    const worker = await eb.worker();
    const tokens = await worker.evaluate(async () => {
      // Runs in the extension's service worker, where `chrome` is the extension API.
      const api = (globalThis as unknown as { chrome: { storage: { local: { get(k: string): Promise<Record<string, unknown>> } } } }).chrome;
      return (await api.storage.local.get('tokens')).tokens as { accessToken: string; refreshToken: string } | undefined;
    });
    expect(tokens?.accessToken).toBeTruthy();
    expect(tokens?.refreshToken).toBeTruthy();

    // What the content script (and the panel, in the same isolated world) can read of each storage area.
    const seen = await panelEval(page, async (root) => {
      const api = (globalThis as unknown as { chrome: { storage: Record<string, { get(k: null): Promise<Record<string, unknown>> }> } }).chrome;
      const read = async (area: string) => {
        try {
          return { ok: true as const, value: JSON.stringify(await api.storage[area]!.get(null)) };
        } catch (e) {
          return { ok: false as const, error: String((e as Error)?.message ?? e) };
        }
      };
      return { panel: root !== null, local: await read('local'), session: await read('session'), sync: await read('sync') };
    });
    expect(seen.panel).toBe(true);
    // storage.local (tokens, queue, account) is refused to content scripts…
    expect(seen.local).toEqual({ ok: false, error: expect.stringMatching(/not allowed/i) });
    // …while what the panel reads is there, and holds no token.
    expect(seen.session.ok && seen.sync.ok).toBe(true);
    const visible = [seen.session, seen.sync].map((r) => (r.ok ? r.value : '')).join('\n');
    expect(visible).toContain('signedInUser');
    expect(visible).not.toContain(tokens!.accessToken);
    expect(visible).not.toContain(tokens!.refreshToken);
    expect(visible).not.toMatch(/accessToken|refreshToken/);

    // And the panel is signed in all the same.
    await inPanel(page, '[data-fp="flow-picker"]');
    expect(await panelQuery(page, '[data-fp="sign-in"]')).toBeNull();
    // The page's own scripts cannot open the panel: they see its host, with no shadow root.
    expect(await panelAsThePageSeesIt(page)).toMatchObject({ host: true, shadowRoot: 'null' });
  });

  it('works without a flow, then puts a flow on the session from the panel and shows its first step', async () => {
    const created = await stack.api<{ flow: { id: string } }>('POST', '/v1/flows', OUTLOOK_FLOW);
    await inPanel(page, '[data-fp="flow"]');
    await (await inPanel(page, '[data-fp="start-without-flow"]')).click();
    const session = await inPanel(page, '[data-fp="session"]');
    const sessionId = await session.evaluate((e) => e.getAttribute('data-session-id'));
    await waitForPanelText(page, 'No flow: record notes and commands as you go.');

    await (await inPanel(page, '[data-fp="change-flow"]')).click();
    await (await inPanel(page, `[data-fp="flow"][data-flow-id="${created.flow.id}"] [data-fp="start-flow"]`)).click();
    await waitForPanelText(page, 'Does webmail (OWA) accept the password?');
    expect(await panelVisibleText(page)).toContain('Change flow');
    const sessions = await stack.api<{ sessions: { id: string; flowId: string | null; currentNodeId: string | null; status: string }[] }>(
      'GET',
      '/v1/sessions?ticket=184201',
    );
    expect(sessions.sessions).toEqual([expect.objectContaining({ id: sessionId, flowId: created.flow.id, currentNodeId: 'q_owa', status: 'active' })]);
    await screenshot(page, 'panel-flow-chosen');
  });

  it('switches the panel when the engineer moves to another ticket in place (hash-only navigation)', async () => {
    const urlBefore = new URL(page.url());
    await page.click('[data-sim-nav="next"]');
    await waitForPanelText(page, 'Ticket #184202');
    const text = await panelVisibleText(page);
    expect(text).not.toContain('#184201');
    expect(text).toContain('VPN drops every 10 minutes');
    // Only the hash changed: the query still names the first ticket (a stale recid).
    const urlAfter = new URL(page.url());
    expect(urlAfter.search).toBe(urlBefore.search);
    expect(urlAfter.searchParams.get('recid')).toBe('184201');
    await screenshot(page, 'panel-switched-ticket');
  });

  it('leaves the board and company screens alone, and comes back with the next ticket', async () => {
    await page.click('[data-sim-nav="board"]');
    await waitForNoPanel(page);
    await page.waitForSelector('table.srboard-grid tr.cw-ml-row');
    await screenshot(page, 'panel-gone-on-board');
    await page.click('tr.cw-ml-row[data-recid="184204"]');
    await waitForPanelText(page, 'Ticket #184204');
    // The alerting tool's number in the summary is not the ticket.
    expect(await panelVisibleText(page)).not.toContain('Ticket #126585259');
  });

  it('hides to a tab that still names the ticket, and remembers it across a reload', async () => {
    await (await inPanel(page, 'button[aria-label="Hide FlowPilot"]')).click();
    const tab = await inPanel(page, '[data-fp="open-panel"]');
    expect(await tab.evaluate((e) => e.textContent)).toContain('#184204');
    expect(await page.evaluate(() => document.getElementById('flowpilot-dock')?.textContent)).toContain('margin-right:28px');
    await page.reload();
    await inPanel(page, '[data-fp="open-panel"]');
    await screenshot(page, 'panel-collapsed');
    await (await inPanel(page, '[data-fp="open-panel"]')).click();
    await inPanel(page, '[data-fp="ticket-number"]');
    expect(await page.evaluate(() => document.getElementById('flowpilot-dock')?.textContent)).toContain('margin-right:380px');
  });

  it('leaves nothing behind when the extension is reloaded', async () => {
    const worker = await eb.worker();
    await worker.evaluate(() => {
      (globalThis as unknown as { chrome: { runtime: { reload(): void } } }).chrome.runtime.reload();
    }).catch(() => {});
    await waitForNoPanel(page);
    await page.waitForFunction(() => !document.getElementById('flowpilot-dock'), { timeout: 10_000, polling: 200 });
    // The page itself is untouched: still the ticket, still usable.
    expect(await page.$eval('.cw_BannerView .detailLabel', (e) => e.textContent)).toContain('Service Ticket #184204');
    await screenshot(page, 'panel-after-extension-reload');
  });
});
