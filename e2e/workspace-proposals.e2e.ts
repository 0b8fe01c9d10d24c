// The workspace's Proposals section against the real API: tickets worked and resolved through the sessions API with no
// flow, the flywheel run as the API runs it, then a team admin sees where each proposal came from, previews one on the
// canvas, approves it into the library and dismisses the other with a reason the API keeps.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'puppeteer';
import { launchWithExtension, screenshot, type ExtensionBrowser } from './lib/browser.js';
import { signInViaOptions } from './lib/extension.js';
import { startStack, type Stack } from './lib/stack.js';

interface Proposal {
  id: string;
  title: string;
  status: string;
  flowId: string | null;
  dismissReason: string | null;
  sourceSessionIds: string[];
  graph: { nodes: { id: string; title: string }[] };
}

/** Three similar QuickBooks tickets, three similar Teams camera tickets and one unrelated one, each worked and resolved with no flow. */
const TICKETS: { id: string; summary: string; company: string; events: [string, string][]; rootCause: string }[] = [
  {
    id: '185101',
    summary: 'QuickBooks will not open company file over network',
    company: 'Contoso Dental',
    events: [['observation', 'QuickBooks error H202 when opening the company file'], ['command', 'Restart-Service QuickBooksDBXX'], ['note', 'Ran QuickBooks File Doctor on the server']],
    rootCause: 'QuickBooks Database Server Manager service stopped on the file server',
  },
  {
    id: '185102',
    summary: 'QuickBooks company file will not open, H202',
    company: 'Contoso Dental',
    events: [['observation', 'QuickBooks error H202 opening the company file'], ['command', 'Restart-Service QuickBooksDBXX']],
    rootCause: 'Database Server Manager service stopped',
  },
  {
    id: '185103',
    summary: 'Cannot open QuickBooks company file in multi-user mode',
    company: 'Fabrikam Law',
    events: [['note', 'Checked hosting mode on workstation'], ['command', 'Restart-Service QuickBooksDBXX'], ['note', 'Ran QuickBooks File Doctor on the server']],
    rootCause: 'QuickBooks Database Server Manager service was stopped',
  },
  ...[1, 2, 3].map((n) => ({
    id: `18520${n}`,
    summary: `Teams camera not detected on laptop ${n}`,
    company: 'Northwind Traders',
    events: [['note', 'Camera privacy setting was off'], ['command', 'Get-PnpDevice -Class Camera']] as [string, string][],
    rootCause: 'Windows camera privacy setting disabled',
  })),
  { id: '185301', summary: 'Printer toner low warning', company: 'Northwind Traders', events: [['note', 'Ordered toner']], rootCause: 'Toner cartridge empty' },
];

describe('workspace: flow proposals', () => {
  let stack: Stack;
  let eb: ExtensionBrowser;
  let ws: Page;
  const sessionOf = new Map<string, string>();
  let proposed: Proposal[] = [];

  beforeAll(async () => {
    stack = await startStack(inject('e2eAppUrl'));
    for (const t of TICKETS) {
      const { session } = await stack.api<{ session: { id: string } }>('POST', '/v1/sessions', {
        ticket: { psa: 'connectwise', externalId: t.id, summary: t.summary, company: t.company },
      });
      for (const [kind, text] of t.events) await stack.api('POST', `/v1/sessions/${session.id}/events`, { kind, text });
      await stack.api('POST', `/v1/sessions/${session.id}/resolve`, { rootCause: t.rootCause });
      sessionOf.set(t.id, session.id);
    }
    // The flywheel as the API runs it on demand (the scheduled run calls the same analysis).
    proposed = (await stack.api<{ proposals: Proposal[] }>('POST', '/v1/flow-proposals/analyse', {})).proposals;
    eb = await launchWithExtension({ simPort: stack.sim.port });
  });
  afterAll(async () => {
    await eb?.close();
    await stack?.close();
  });

  const byTitle = (re: RegExp) => proposed.find((p) => re.test(p.title))!;
  const item = (p: Proposal) => `[data-fp="ws-proposal"][data-proposal-id="${p.id}"]`;
  const waitText = (sel: string, want: string) => ws.waitForFunction((s, w) => document.querySelector(s)?.textContent?.includes(w), { timeout: 10_000 }, sel, want);
  const listed = async (status: string) => (await stack.api<{ proposals: Proposal[] }>('GET', `/v1/flow-proposals?status=${status}`)).proposals;

  it('proposes one flow per cluster of similar resolved tickets, from the sessions API alone', () => {
    expect(proposed).toHaveLength(2);
    const qb = byTitle(/QuickBooks/);
    const cam = byTitle(/Teams camera/);
    expect(qb.sourceSessionIds.sort()).toEqual(['185101', '185102', '185103'].map((t) => sessionOf.get(t)).sort());
    expect(cam.sourceSessionIds.sort()).toEqual(['185201', '185202', '185203'].map((t) => sessionOf.get(t)).sort());
  });

  it('shows a team admin each proposal with the tickets it came from, and previews one on the canvas, read-only', async () => {
    const options = await signInViaOptions(eb, stack.apiUrl, stack.account.email, stack.account.password);
    const opened = eb.browser.waitForTarget((t) => t.url().endsWith('/workspace.html'));
    await options.click('[data-fp="opt-workspace"]');
    ws = (await (await opened).page())!;
    await ws.setViewport({ width: 1300, height: 1000 });
    await ws.waitForSelector('[data-fp="ws"]', { timeout: 15_000 });
    await ws.click('[data-fp="ws-nav-proposals"]');
    await ws.waitForFunction(() => document.querySelectorAll('[data-fp="ws-proposal"]').length === 2 && !document.querySelector('[data-fp="ws-proposals-msg"]'), { timeout: 15_000 });

    const qb = byTitle(/QuickBooks/);
    const sources = await ws.$eval(`${item(qb)} [data-fp="ws-proposal-sources"]`, (e) => e.textContent);
    expect(sources).toContain('From 3 resolved sessions · drafted offline');
    const tickets = await ws.$$eval(`${item(qb)} [data-fp="ws-proposal-source-list"] li`, (els) => els.map((e) => e.textContent ?? ''));
    expect(tickets).toHaveLength(3);
    for (const t of ['185101', '185102', '185103']) expect(tickets.some((line) => line.includes(`#${t}`))).toBe(true);
    expect(tickets.join('\n')).toContain('Contoso Dental');
    expect(tickets.join('\n')).toContain('John Doe');

    await ws.click(`${item(qb)} .fp-flow-title`);
    await ws.waitForSelector('[data-fp="ws-canvas"] [data-fp="ws-node"]', { timeout: 10_000 });
    await ws.waitForFunction((n) => document.querySelectorAll('[data-fp="ws-node"]').length === n, { timeout: 10_000 }, qb.graph.nodes.length);
    const titles = await ws.$$eval('[data-fp="ws-node"]', (els) => els.map((e) => e.textContent ?? '').join('\n'));
    expect(titles).toContain('Restart-Service QuickBooksDBXX');
    expect(titles).toMatch(/Database Server Manager/);
    // A preview is decided from the list, not edited: no palette, no save, the fields locked.
    expect(await ws.$eval('[data-fp="ws-editor"]', (e) => (e as HTMLElement).innerText)).toContain('Proposal preview: approve or dismiss it in the list.');
    expect(await ws.$('[data-fp="ws-save"]')).toBeNull();
    expect(await ws.$('[data-fp="ws-add-node"]')).toBeNull();
    expect(await ws.$eval('input[name="flowTitle"]', (e) => [(e as HTMLInputElement).value, (e as HTMLInputElement).matches(':disabled')])).toEqual([qb.title, true]);
    await screenshot(ws, 'workspace-proposal-preview');
  });

  it('approves the previewed proposal into the library', async () => {
    const qb = byTitle(/QuickBooks/);
    await ws.click(`${item(qb)} [data-fp="ws-approve"]`);
    await waitText('[data-fp="ws-proposals-msg"]', `"${qb.title}" is now in the library.`);
    await ws.waitForFunction((sel) => !document.querySelector(sel), { timeout: 10_000 }, item(qb));
    // The preview closes with the decision.
    expect(await ws.$('[data-fp="ws-canvas"]')).toBeNull();

    const [approved] = (await listed('approved')).filter((p) => p.id === qb.id);
    expect(approved?.flowId).toBeTruthy();
    const { flow } = await stack.api<{ flow: { title: string; graph: { nodes: unknown[] } } }>('GET', `/v1/flows/${approved!.flowId}`);
    expect(flow.title).toBe(qb.title);
    expect(flow.graph.nodes).toHaveLength(qb.graph.nodes.length);
    const library = await stack.api<{ flows: { id: string }[] }>('GET', '/v1/flows');
    expect(library.flows.map((f) => f.id)).toContain(approved!.flowId);
  });

  it('dismisses the other with a reason the API keeps', async () => {
    const cam = byTitle(/Teams camera/);
    await ws.click(`${item(cam)} [data-fp="ws-dismiss"]`);
    await ws.waitForSelector(`${item(cam)} [data-fp="ws-dismiss-form"] input[name="dismissReason"]`);
    await ws.type(`${item(cam)} input[name="dismissReason"]`, 'Covered by the camera checklist already');
    await screenshot(ws, 'workspace-proposal-dismiss');
    await ws.click(`${item(cam)} [data-fp="ws-dismiss-confirm"]`);
    await waitText('[data-fp="ws-proposals-msg"]', `Dismissed "${cam.title}" (Covered by the camera checklist already).`);
    await ws.waitForFunction(() => !document.querySelector('[data-fp="ws-proposal"]'), { timeout: 10_000 });

    const dismissed = (await listed('dismissed')).find((p) => p.id === cam.id);
    expect(dismissed).toMatchObject({ status: 'dismissed', dismissReason: 'Covered by the camera checklist already', flowId: null });
    expect(await listed('pending')).toEqual([]);
    // Its sessions are not proposed again.
    const again = await stack.apiRaw('POST', '/v1/flow-proposals/analyse', {});
    expect(again.status).toBe(200);
    expect((again.body as { proposals: unknown[] }).proposals).toEqual([]);
  });
});
