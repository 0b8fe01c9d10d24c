// The workspace's Scripts section against the real API: commands run on a resolved session become drafts (a badge
// on the section), one is edited and approved into the library with its provenance, one dismissed, and a template
// copied to the clipboard counts a use.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'puppeteer';
import { launchWithExtension, screenshot, type ExtensionBrowser } from './lib/browser.js';
import { fill, signInViaOptions } from './lib/extension.js';
import { startStack, type Stack } from './lib/stack.js';

interface Template {
  id: string;
  name: string;
  body: string;
  language: string;
  useCount: number;
}

describe('workspace: scripts', () => {
  let stack: Stack;
  let eb: ExtensionBrowser;
  let ws: Page;

  beforeAll(async () => {
    stack = await startStack(inject('e2eAppUrl'));
    const { session } = await stack.api<{ session: { id: string } }>('POST', '/v1/sessions', {
      ticket: { psa: 'connectwise', externalId: '184205', summary: 'Printer in exam room 3 prints blank pages' },
    });
    for (const text of ['Get-Printer -Name "Exam3" | Restart-PrintJob', 'ipconfig /flushdns']) {
      await stack.api('POST', `/v1/sessions/${session.id}/events`, { kind: 'command', text });
    }
    await stack.api('POST', `/v1/sessions/${session.id}/resolve`, {});
    eb = await launchWithExtension({ simPort: stack.sim.port });
  });
  afterAll(async () => {
    await eb?.close();
    await stack?.close();
  });

  const templates = async () => (await stack.api<{ templates: Template[] }>('GET', '/v1/script-templates')).templates;
  const waitText = (sel: string, want: string) => ws.waitForFunction((s, w) => document.querySelector(s)?.textContent?.includes(w), { timeout: 10_000 }, sel, want);

  it('shows the drafts waiting as a badge, and reviews one: edited, then approved with where it came from', async () => {
    const options = await signInViaOptions(eb, stack.apiUrl, stack.account.email, stack.account.password);
    const opened = eb.browser.waitForTarget((t) => t.url().endsWith('/workspace.html'));
    await options.click('[data-fp="opt-workspace"]');
    ws = (await (await opened).page())!;
    await ws.setViewport({ width: 1300, height: 1000 });
    await ws.waitForSelector('[data-fp="ws-drafts-badge"]', { timeout: 15_000 });
    expect(await ws.$eval('[data-fp="ws-drafts-badge"]', (e) => e.textContent)).toBe('2');

    await ws.click('[data-fp="ws-nav-scripts"]');
    await ws.waitForSelector('[data-fp="ws-draft"]');
    const drafts = await ws.$$eval('[data-fp="ws-draft"]', (els) => els.map((e) => ({ id: e.getAttribute('data-draft-id')!, text: e.textContent ?? '' })));
    const printer = drafts.find((d) => d.text.includes('Get-Printer'))!;
    expect(printer.text).toContain('from CW #184205 · by John Doe');

    await ws.click(`[data-fp="ws-draft"][data-draft-id="${printer.id}"] [data-fp="ws-review-draft"]`);
    await fill(ws, 'input[name="draftName"]', 'Restart the exam room printer queue');
    await ws.select('select[name="draftLanguage"]', 'powershell');
    await ws.click('[data-fp="ws-approve-draft"]');
    await waitText('[data-fp="ws-scripts-msg"]', '"Restart the exam room printer queue" is in the script library.');
    await waitText('[data-fp="ws-drafts-badge"]', '1');
    const [approved] = await templates();
    expect(approved).toMatchObject({ name: 'Restart the exam room printer queue', language: 'powershell', body: 'Get-Printer -Name "Exam3" | Restart-PrintJob', useCount: 0 });
    expect(await ws.$eval(`[data-fp="ws-template"][data-template-id="${approved!.id}"] [data-fp="ws-provenance"]`, (e) => e.textContent)).toBe(
      'from CW #184205 · by John Doe · used 0 times',
    );
  });

  it('dismisses the other draft, and the badge goes', async () => {
    await ws.click('[data-fp="ws-draft"] [data-fp="ws-dismiss-draft"]');
    await waitText('[data-fp="ws-scripts-msg"]', 'Dismissed');
    await ws.waitForFunction(() => !document.querySelector('[data-fp="ws-drafts-badge"]'));
    expect(await ws.$('[data-fp="ws-draft"]')).toBeNull();
    expect((await stack.api<{ pending: number }>('GET', '/v1/draft-templates/count')).pending).toBe(0);
  });

  it('copies a script to the clipboard and counts the use', async () => {
    await eb.browser.defaultBrowserContext().overridePermissions(`chrome-extension://${eb.extensionId}`, ['clipboard-read', 'clipboard-write', 'clipboard-sanitized-write']);
    await ws.click('[data-fp="ws-template"] [data-fp="ws-copy"]');
    await waitText('[data-fp="ws-scripts-msg"]', 'Copied "Restart the exam room printer queue".');
    await waitText('[data-fp="ws-provenance"]', 'used 1 time');
    expect(await ws.evaluate(() => navigator.clipboard.readText())).toBe('Get-Printer -Name "Exam3" | Restart-PrintJob');
    expect((await templates())[0]!.useCount).toBe(1);
    await screenshot(ws, 'workspace-scripts');
  });
});
