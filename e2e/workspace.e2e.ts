// The workspace page against the real API: a flow built on the canvas by dragging and connecting, undone, fixed,
// saved, and then started from the panel on a simulated ticket; the library's search, duplicate and archive.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ElementHandle, Page } from 'puppeteer';
import { canvasSettled, inPanel, launchWithExtension, screenshot, waitForPanelText, type ExtensionBrowser } from './lib/browser.js';
import { fill, signInViaOptions } from './lib/extension.js';
import { panelWaitFor } from './lib/panel.js';
import { startStack, type Stack } from './lib/stack.js';

interface StoredFlow {
  id: string;
  title: string;
  kind: string;
  tags: string[];
  graph: { start: string; nodes: { id: string; kind: string; title: string; body?: string; options: { id: string; label: string; next?: string }[] }[] };
}

const TITLE = 'Printer shows offline (workspace e2e)';

describe('workspace: flow library and visual editor', () => {
  let stack: Stack;
  let eb: ExtensionBrowser;
  let ws: Page;

  beforeAll(async () => {
    stack = await startStack(inject('e2eAppUrl'));
    eb = await launchWithExtension({ simPort: stack.sim.port });
  });
  afterAll(async () => {
    await eb?.close();
    await stack?.close();
  });

  const node = (id: string) => `.react-flow__node [data-node-id="${id}"]`;
  const problemsOn = (id: string) => ws.$eval(node(id), (e) => e.getAttribute('data-problems'));
  const problemList = () => ws.$$eval('[data-fp="ws-problem"]', (els) => els.map((e) => e.textContent ?? ''));
  /** Edges are drawn once xyflow has measured the cards: wait for the count rather than read it at once. */
  const edgeCount = (n: number) => ws.waitForFunction((k) => document.querySelectorAll('.react-flow__edge').length === k, { timeout: 5000 }, n);
  const nodeIds = () => ws.$$eval('[data-fp="ws-node"]', (els) => els.map((e) => e.getAttribute('data-node-id')));

  async function centre(el: ElementHandle<Element>) {
    const box = (await el.boundingBox())!;
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  }

  /** A real pointer drag, in steps, as a hand would make it (xyflow listens to pointer moves, not to a jump). */
  async function drag(from: { x: number; y: number }, to: { x: number; y: number }) {
    await ws.mouse.move(from.x, from.y);
    await ws.mouse.down();
    for (let i = 1; i <= 12; i++) await ws.mouse.move(from.x + ((to.x - from.x) * i) / 12, from.y + ((to.y - from.y) * i) / 12);
    await ws.mouse.up();
  }

  /** Drags from a step's "new answer" dot onto another step's input dot. */
  async function connectNew(from: string, to: string) {
    const source = (await ws.$(`${node(from)} [data-fp="ws-new-option"] .react-flow__handle`))!;
    const target = (await ws.$(`${node(to)} .react-flow__handle.target`))!;
    await drag(await centre(source), await centre(target));
  }

  it('opens from the options page, signed in, with the starter library searchable by full text', async () => {
    const options = await signInViaOptions(eb, stack.apiUrl, stack.account.email, stack.account.password);
    const opened = eb.browser.waitForTarget((t) => t.url().endsWith('/workspace.html'));
    await options.click('[data-fp="opt-workspace"]');
    ws = (await (await opened).page())!;
    await ws.setViewport({ width: 1500, height: 1000 });
    await ws.waitForSelector('[data-fp="ws-flow"]', { timeout: 15_000 });
    expect(await ws.$eval('[data-fp="ws-user"]', (e) => e.textContent)).toContain('team admin');
    const all = (await ws.$$('[data-fp="ws-flow"]')).length;
    expect(all).toBeGreaterThanOrEqual(10);
    // Browsing, the library is in folders, one per category: every flow in exactly one, each named as its flows say.
    const folders = await ws.$$eval('[data-fp="ws-folder"]', (els) =>
      els.map((e) => ({ name: e.querySelector('summary')?.firstChild?.textContent?.trim() ?? '', rows: [...e.querySelectorAll('[data-fp="ws-flow"] .muted')].map((r) => r.textContent ?? '') })),
    );
    expect(folders.length).toBeGreaterThan(1);
    expect(folders.reduce((n, f) => n + f.rows.length, 0)).toBe(all);
    for (const f of folders.filter((x) => x.name !== 'No category')) expect(f.rows.every((r) => r.includes(`· ${f.name} ·`))).toBe(true);

    await fill(ws, '[data-fp="ws-search"]', 'printer');
    await ws.keyboard.press('Enter');
    await ws.waitForFunction((n) => document.querySelectorAll('[data-fp="ws-flow"]').length < n, {}, all);
    const titles = await ws.$$eval('[data-fp="ws-flow"] .fp-flow-title', (els) => els.map((e) => e.textContent ?? ''));
    expect(titles.length).toBeGreaterThan(0);
    // A search answers as one ranked list, not in folders.
    expect(await ws.$$('[data-fp="ws-folder"]')).toHaveLength(0);
    expect(titles.join('\n').toLowerCase()).toContain('print');
    await fill(ws, '[data-fp="ws-search"]', ' ');
    await ws.keyboard.press('Enter');
    await ws.waitForFunction((n) => document.querySelectorAll('[data-fp="ws-flow"]').length === n, {}, all);
  });

  it('builds a flow by dragging and connecting on the canvas, with problems shown on the steps until they are fixed', async () => {
    await ws.click('[data-fp="ws-new-flow"]');
    await ws.waitForSelector('[data-fp="ws-canvas"]');
    await fill(ws, 'input[name="flowTitle"]', TITLE);
    await fill(ws, 'input[name="flowTags"]', 'printer, e2e');
    expect(await ws.$eval('input[name="flowTags"]', (e) => (e as HTMLInputElement).value)).toBe('printer, e2e');
    // An empty canvas cannot be saved.
    expect(await problemList()).toEqual(['the flow has no steps yet']);

    await ws.click('[data-fp="ws-add-node"][data-kind="question"]');
    await ws.click('[data-fp="ws-add-node"][data-kind="solution"]');
    await ws.click('[data-fp="ws-add-node"][data-kind="escalate"]');
    await ws.waitForSelector(node('escalate_1'));
    await canvasSettled(ws);
    expect(await nodeIds()).toEqual(['question_1', 'solution_1', 'escalate_1']);
    // A question with no answers yet: the canvas says so on the question itself.
    expect(await problemsOn('question_1')).toBe('yes');
    expect(await ws.$eval(node('question_1'), (e) => e.textContent)).toContain('needs at least two answers');

    // Drag the steps into place: the question at the top, the outcomes below it on either side (away from the
    // canvas's edges, where a drag would pan the view).
    const title = async (id: string) => centre((await ws.$(`${node(id)} .fp-step-title`))!);
    const canvas = (await (await ws.$('[data-fp="ws-canvas"]'))!.boundingBox())!;
    const at = (fx: number, fy: number) => ({ x: canvas.x + canvas.width * fx, y: canvas.y + canvas.height * fy });
    for (const [id, fx, fy] of [['question_1', 0.5, 0.2], ['solution_1', 0.25, 0.65], ['escalate_1', 0.75, 0.65]] as const) {
      await drag(await title(id), at(fx, fy));
      await canvasSettled(ws);
    }
    const [question, solution, escalation] = [await title('question_1'), await title('solution_1'), await title('escalate_1')];
    expect(solution.y - question.y).toBeGreaterThan(150);
    expect(escalation.y - question.y).toBeGreaterThan(150);
    expect(solution.x).toBeLessThan(question.x - 80);
    expect(escalation.x).toBeGreaterThan(question.x + 80);

    await connectNew('question_1', 'solution_1');
    await ws.waitForSelector('.react-flow__edge');
    // One answer is not a question yet.
    expect(await problemList()).toEqual(['question "question_1" needs at least two answers']);
    await connectNew('question_1', 'escalate_1');
    await ws.waitForSelector('[data-fp="ws-valid"]');
    await edgeCount(2);
    await screenshot(ws, 'workspace-editor-connected');
  });

  it('undoes the last connection by key, then fixes the problem it brings back from the inspector', async () => {
    // Undo by key, with the canvas (not a text field) focused.
    await ws.click('.react-flow__pane');
    await ws.keyboard.down('Control');
    await ws.keyboard.press('z');
    await ws.keyboard.up('Control');
    await ws.waitForSelector('[data-fp="ws-problem"]');
    await edgeCount(1);
    expect(await problemsOn('question_1')).toBe('yes');
    expect(await problemList()).toEqual(['question "question_1" needs at least two answers']);
    await screenshot(ws, 'workspace-editor-problems');

    // Saving is refused while the canvas shows problems; nothing reaches the library.
    await ws.click('[data-fp="ws-save"]');
    await ws.waitForSelector('[data-fp="ws-editor-msg"].error');
    expect(await ws.$eval('[data-fp="ws-editor-msg"]', (e) => e.textContent)).toMatch(/fix the problem marked on the canvas/);
    expect((await stack.api<{ flows: StoredFlow[] }>('GET', `/v1/flows?q=${encodeURIComponent('workspace e2e')}`)).flows).toEqual([]);

    // The fix, by keyboard-reachable controls: select the question, add an answer, choose where it leads.
    await ws.click(`${node('question_1')} .fp-step-title`);
    await ws.waitForSelector('[data-fp="ws-inspector"]');
    await fill(ws, 'input[name="nodeTitle"]', 'Does the printer answer a ping?');
    await ws.click('[data-fp="ws-add-option"]');
    await ws.waitForFunction(() => document.querySelectorAll('[data-fp="ws-inspector-option"]').length === 2, { timeout: 5000 });
    await ws.select('[data-fp="ws-inspector-option"]:last-child [data-fp="ws-option-target"]', 'escalate_1');
    await ws.waitForSelector('[data-fp="ws-valid"]');
    await edgeCount(2);

    // Delete by key takes the step away and leaves the answer into it marked; undo by key brings both back.
    await ws.click(`${node('escalate_1')} .fp-step-title`);
    await ws.waitForSelector(`.react-flow__node.selected [data-node-id="escalate_1"]`);
    await ws.keyboard.press('Delete');
    await ws.waitForFunction(() => !document.querySelector('[data-node-id="escalate_1"]'));
    expect(await problemList()).toEqual([expect.stringMatching(/leads to "escalate_1", which is not a node/)]);
    expect(await ws.$eval(`${node('question_1')} [data-fp="ws-option"].has-problem`, (e) => e.textContent)).toContain('which is not a node');
    await ws.keyboard.down('Control');
    await ws.keyboard.press('z');
    await ws.keyboard.up('Control');
    await ws.waitForSelector('[data-fp="ws-valid"]');
    await edgeCount(2);

    // A markdown body, previewed as formatted text.
    await ws.click(`${node('solution_1')} .fp-step-title`);
    await ws.waitForSelector('[data-fp="ws-inspector"][aria-label="Step solution_1"] textarea[name="nodeBody"]');
    await ws.type('textarea[name="nodeBody"]', 'Restart the **print spooler**, then print a test page.');
    await ws.click('[data-fp="ws-body-preview-toggle"]');
    expect(await ws.$eval('[data-fp="ws-body-preview"]', (e) => e.innerHTML)).toContain('<strong>print spooler</strong>');
  });

  it('saves the flow to the library as it was drawn', async () => {
    await ws.click('[data-fp="ws-save"]');
    await ws.waitForSelector('[data-fp="ws-editor-msg"].ok', { timeout: 15_000 });
    expect(await ws.$eval('[data-fp="ws-editor-msg"]', (e) => e.textContent)).toContain('(version 1)');
    await screenshot(ws, 'workspace-editor-saved');

    const { flows } = await stack.api<{ flows: StoredFlow[] }>('GET', `/v1/flows?q=${encodeURIComponent('workspace e2e')}`);
    expect(flows.map((f) => f.title)).toEqual([TITLE]);
    const { flow } = await stack.api<{ flow: StoredFlow }>('GET', `/v1/flows/${flows[0]!.id}`);
    expect(flow.tags).toEqual(['printer', 'e2e']);
    expect(flow.graph.start).toBe('question_1');
    const question = flow.graph.nodes.find((n) => n.id === 'question_1')!;
    expect(question.title).toBe('Does the printer answer a ping?');
    expect(question.options.map((o) => o.next)).toEqual(['solution_1', 'escalate_1']);
    expect(flow.graph.nodes.find((n) => n.id === 'solution_1')!.body).toBe('Restart the **print spooler**, then print a test page.');
    // The library lists it.
    await ws.waitForFunction((t) => [...document.querySelectorAll('[data-fp="ws-flow"]')].some((e) => e.textContent?.includes(t)), {}, TITLE);
  });

  it('duplicates and archives a flow from the library', async () => {
    const row = async () => (await ws.$$('[data-fp="ws-flow"]')).length;
    const count = await row();
    const { flows } = await stack.api<{ flows: StoredFlow[] }>('GET', `/v1/flows?q=${encodeURIComponent('workspace e2e')}`);
    await ws.click(`[data-fp="ws-flow"][data-flow-id="${flows[0]!.id}"] [data-fp="ws-duplicate"]`);
    await ws.waitForFunction((n) => document.querySelectorAll('[data-fp="ws-flow"]').length === n + 1, {}, count);
    const copies = (await stack.api<{ flows: StoredFlow[] }>('GET', `/v1/flows?q=${encodeURIComponent('workspace e2e copy')}`)).flows.filter((f) => f.title.endsWith('(copy)'));
    expect(copies).toHaveLength(1);

    ws.once('dialog', (d) => void d.accept());
    await ws.click(`[data-fp="ws-flow"][data-flow-id="${copies[0]!.id}"] [data-fp="ws-archive"]`);
    await ws.waitForFunction((n) => document.querySelectorAll('[data-fp="ws-flow"]').length === n, {}, count);
    expect((await stack.apiRaw('GET', `/v1/flows/${copies[0]!.id}`)).status).toBe(404);
  });

  it('starts the saved flow from the panel on a simulated ticket', async () => {
    const { flows } = await stack.api<{ flows: StoredFlow[] }>('GET', `/v1/flows?q=${encodeURIComponent('workspace e2e')}`);
    const flowId = flows.find((f) => f.title === TITLE)!.id;
    const page = await eb.browser.newPage();
    await page.goto(eb.cwUrl('/v2025_1/ConnectWise.aspx?locale=en_US&routeTo=ServiceFV&srRecID=184203'));
    await waitForPanelText(page, 'Ticket #184203');
    await (await inPanel(page, '[data-fp="flow-search"]')).type('workspace e2e');
    await page.keyboard.press('Enter');
    // The search answers with this one flow (the list it replaces may have held it too: wait for the new one).
    await panelWaitFor(page, (root) => root?.querySelectorAll('[data-fp="flow"]').length === 1, { what: 'the search result' });
    await (await inPanel(page, `[data-fp="flow"][data-flow-id="${flowId}"] [data-fp="start-flow"]`, 20_000)).click();
    await waitForPanelText(page, 'Does the printer answer a ping?');
    const sessions = await stack.api<{ sessions: { flowId: string | null; currentNodeId: string | null }[] }>('GET', '/v1/sessions?ticket=184203');
    expect(sessions.sessions).toEqual([expect.objectContaining({ flowId, currentNodeId: 'question_1' })]);
    await screenshot(page, 'workspace-flow-started-in-panel');

    // The panel links back to the workspace.
    const opened = eb.browser.waitForTarget((t) => t.url().endsWith('/workspace.html') && t !== ws.target());
    await (await inPanel(page, '[data-fp="open-workspace"]')).click();
    expect((await opened).url()).toMatch(/^chrome-extension:\/\/[a-z]+\/workspace\.html$/);
  });

  it('finds that session in the history and shows it read-only with its note', async () => {
    await ws.bringToFront();
    await ws.click('[data-fp="ws-nav-sessions"]');
    await ws.waitForSelector('[data-fp="ws-session"]', { timeout: 15_000 });
    await ws.type('[data-fp="ws-session-search"]', 'fabrikam 184203');
    // The API answers the search: wait for that answer (the list no longer busy), not for a count the unfiltered list may already have.
    const answered = (n: number) =>
      ws.waitForFunction((k) => document.querySelector('[data-fp="ws-session-list"]')?.getAttribute('aria-busy') === 'false' && document.querySelectorAll('[data-fp="ws-session"]').length === k, { timeout: 10_000 }, n);
    await answered(1);
    await ws.click('[data-fp="ws-session"] .fp-flow-title');
    await ws.waitForSelector('[data-fp="ws-session-note"]', { timeout: 15_000 });
    const view = await ws.$eval('[data-fp="ws-session-view"]', (e) => (e as HTMLElement).innerText);
    expect(view).toContain('Ticket #184203');
    expect(view).toContain(`flow: ${TITLE}`);
    expect(await ws.$eval('[data-fp="ws-session-note"]', (e) => e.textContent)).toContain('New hire onboarding');
    await screenshot(ws, 'workspace-session-history');

    await ws.type('[data-fp="ws-session-search"]', ' no-such-words');
    await answered(0);
    expect(await ws.$eval('[data-fp="ws-sessions-msg"]', (e) => e.textContent)).toBe('No session matches.');
  });
});
