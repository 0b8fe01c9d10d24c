// The workspace's step library and AI flow builder against the real API: a step added and rated with a review, then
// inserted into a flow from the editor (undoable), connected and saved; and a problem described to the builder, which
// (offline, as e2e runs: no model key) starts from the closest library flow, opened in the editor and saved.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'puppeteer';
import { canvasSettled, launchWithExtension, screenshot, type ExtensionBrowser } from './lib/browser.js';
import { fill, signInViaOptions } from './lib/extension.js';
import { startStack, type Stack } from './lib/stack.js';

interface StoredFlow {
  id: string;
  title: string;
  graph: { start: string; nodes: { id: string; kind: string; title: string; command?: string; options: { id: string; label: string; next?: string | null }[] }[] };
}
interface Step {
  id: string;
  title: string;
  useCount: number;
  rating: { average: number | null; count: number; mine: number | null };
}

const STEP = 'Clear the print spooler (builder e2e)';

describe('workspace: step library and AI flow builder', () => {
  let stack: Stack;
  let eb: ExtensionBrowser;
  let ws: Page;
  let flowId: string;

  beforeAll(async () => {
    stack = await startStack(inject('e2eAppUrl'));
    const { flow } = await stack.api<{ flow: StoredFlow }>('POST', '/v1/flows', {
      kind: 'troubleshooting',
      title: 'Printer jams on every job',
      description: 'Printer jams or prints nothing',
      tags: ['printer'],
      graph: {
        start: 'q1',
        nodes: [
          {
            id: 'q1',
            kind: 'question',
            title: 'Is paper stuck in the tray?',
            options: [
              { id: 'yes', label: 'Yes', next: 's1' },
              { id: 'no', label: 'No', next: 'e1' },
            ],
          },
          { id: 's1', kind: 'solution', title: 'Remove the paper and print again', options: [] },
          { id: 'e1', kind: 'escalate', title: 'Escalate to the print vendor', options: [] },
        ],
      },
    });
    flowId = flow.id;
    eb = await launchWithExtension({ simPort: stack.sim.port });
    const options = await signInViaOptions(eb, stack.apiUrl, stack.account.email, stack.account.password);
    const opened = eb.browser.waitForTarget((t) => t.url().endsWith('/workspace.html'));
    await options.click('[data-fp="opt-workspace"]');
    ws = (await (await opened).page())!;
    await ws.setViewport({ width: 1300, height: 1000 });
    await ws.waitForSelector('[data-fp="ws-nav-steps"]', { timeout: 15_000 });
  });
  afterAll(async () => {
    await eb?.close();
    await stack?.close();
  });

  const waitText = (sel: string, want: string) => ws.waitForFunction((s, w) => document.querySelector(s)?.textContent?.includes(w), { timeout: 15_000 }, sel, want);
  const steps = async () => (await stack.api<{ steps: Step[] }>('GET', '/v1/step-library')).steps;
  const node = (id: string) => `.react-flow__node [data-node-id="${id}"]`;

  it('adds a step to the library and rates it with a short review', async () => {
    await ws.click('[data-fp="ws-nav-steps"]');
    await ws.waitForSelector('[data-fp="ws-step-add"]');
    await ws.click('[data-fp="ws-step-add"]');
    await fill(ws, 'input[name="stepTitle"]', STEP);
    await ws.select('select[name="stepKind"]', 'action');
    await fill(ws, 'input[name="stepCommand"]', 'net stop spooler && net start spooler');
    await fill(ws, 'textarea[name="stepOptions"]', 'It printed');
    await ws.click('[data-fp="ws-step-save"]');
    await waitText('[data-fp="ws-steps-msg"]', `"${STEP}" is in the step library.`);
    const [added] = await steps();
    expect(added).toMatchObject({ title: STEP, useCount: 0, rating: { average: null, count: 0 } });

    const row = `[data-fp="ws-step"][data-step-id="${added!.id}"]`;
    await ws.waitForSelector(`[data-fp="ws-step-list"][aria-busy="false"] ${row}`);
    expect(await ws.$eval(`${row} [data-fp="ws-step-rating"]`, (e) => e.textContent)).toBe('not rated yet');
    await ws.click(`${row} [data-fp="ws-step-open"]`);
    await ws.waitForSelector(`${row} [data-fp="ws-step-reviews"]`);
    await ws.select('select[name="stepStars"]', '4');
    await fill(ws, 'input[name="stepReview"]', 'Fixes most stuck queues');
    await ws.click('[data-fp="ws-step-rate"]');
    await waitText('[data-fp="ws-steps-msg"]', `Rated "${STEP}" 4 of 5.`);
    await waitText(`${row} [data-fp="ws-step-rating"]`, '★ 4.0 (1 rating)');
    await waitText(`${row} [data-fp="ws-step-review"]`, 'Fixes most stuck queues');
    const [rated] = await steps();
    expect(rated!.rating).toEqual({ average: 4, count: 1, mine: 4 });
    await screenshot(ws, 'workspace-step-library');
  });

  it('inserts the step into a flow from the editor (undoable), connects it and saves it', async () => {
    await ws.click('[data-fp="ws-nav-flows"]');
    await ws.waitForSelector(`[data-fp="ws-flow"][data-flow-id="${flowId}"] .fp-flow-title`);
    await ws.click(`[data-fp="ws-flow"][data-flow-id="${flowId}"] .fp-flow-title`);
    await ws.waitForSelector(node('q1'));
    await ws.waitForSelector('[data-fp="ws-valid"]');

    await ws.click('[data-fp="ws-insert-step-open"]');
    await ws.waitForSelector('[data-fp="ws-step-picker"][aria-busy="false"] [data-fp="ws-step-pick"]');
    await ws.click('[data-fp="ws-step-pick"] [data-fp="ws-step-insert"]');
    // The API names the inserted node afresh (the step's id and a random tail).
    const added = '.react-flow__node [data-node-id^="action_"]';
    await ws.waitForSelector(added);
    const id = (await ws.$eval(added, (e) => e.getAttribute('data-node-id')))!;
    expect(await ws.$eval(node(id), (e) => e.textContent)).toContain(STEP);
    // Unconnected, it is marked; one undo takes it away and redo brings it back.
    await ws.waitForSelector('[data-fp="ws-problem"]');
    await ws.click('[data-fp="ws-undo"]');
    await ws.waitForFunction((k) => !document.querySelector(`[data-node-id="${k}"]`), {}, id);
    await ws.waitForSelector('[data-fp="ws-valid"]');
    await ws.click('[data-fp="ws-redo"]');
    await ws.waitForSelector(node(id));

    // Connect it: the question's "No" now leads to it, and its own answer on to the escalation.
    await canvasSettled(ws);
    await ws.click(`${node('q1')} .fp-step-title`);
    await ws.waitForSelector('[data-fp="ws-inspector"][aria-label="Step q1"]');
    await ws.select('[data-fp="ws-inspector-option"][data-option-id="no"] [data-fp="ws-option-target"]', id);
    await canvasSettled(ws);
    await ws.click(`${node(id)} .fp-step-title`);
    await ws.waitForSelector(`[data-fp="ws-inspector"][aria-label="Step ${id}"]`);
    await ws.select('[data-fp="ws-inspector-option"] [data-fp="ws-option-target"]', 'e1');
    await ws.waitForSelector('[data-fp="ws-valid"]');

    await ws.click('[data-fp="ws-save"]');
    await waitText('[data-fp="ws-editor-msg"]', '(version 2)');
    await screenshot(ws, 'workspace-step-inserted');
    const { flow } = await stack.api<{ flow: StoredFlow }>('GET', `/v1/flows/${flowId}`);
    const inserted = flow.graph.nodes.find((n) => n.id === id);
    expect(inserted).toMatchObject({ kind: 'action', title: STEP, command: 'net stop spooler && net start spooler', options: [{ label: 'It printed', next: 'e1' }] });
    expect(flow.graph.nodes.find((n) => n.id === 'q1')!.options.map((o) => o.next)).toEqual(['s1', id]);
    expect((await steps())[0]!.useCount).toBe(1);
  });

  it('drafts a flow from a described problem (offline: the closest library flow), opens it in the editor and saves it', async () => {
    await ws.click('[data-fp="ws-nav-builder"]');
    await ws.waitForSelector('textarea[name="builderPrompt"]');
    await fill(ws, 'textarea[name="builderPrompt"]', 'The printer jams on every job in the front office');
    await ws.click('[data-fp="ws-builder-generate"]');
    await ws.waitForSelector('[data-fp="ws-builder-result"]', { timeout: 30_000 });
    const said = await ws.$eval('[data-fp="ws-builder-msg"]', (e) => e.textContent);
    expect(said).toContain('No AI model is configured for this team');
    expect(said).toContain('starts from the closest library flow, "Printer jams on every job"');
    const shown = await ws.$$eval('[data-fp="ws-builder-step"]', (els) => els.map((e) => e.textContent));
    expect(shown.length).toBeGreaterThan(0);
    await screenshot(ws, 'workspace-ai-builder');

    await ws.click('[data-fp="ws-builder-open"]');
    await ws.waitForSelector('[data-fp="ws-editor"] input[name="flowTitle"]');
    const title = await ws.$eval('input[name="flowTitle"]', (e) => (e as HTMLInputElement).value);
    expect(title.length).toBeGreaterThan(0);
    await fill(ws, 'input[name="flowTitle"]', 'Front office printer jams (drafted)');
    await ws.waitForSelector('[data-fp="ws-valid"]');
    await ws.click('[data-fp="ws-save"]');
    await waitText('[data-fp="ws-editor-msg"]', '(version 1)');
    const { flows } = await stack.api<{ flows: { id: string; title: string; nodeCount: number }[] }>('GET', '/v1/flows?q=drafted');
    expect(flows.map((f) => f.title)).toEqual(['Front office printer jams (drafted)']);
    expect(flows[0]!.nodeCount).toBe(shown.length);
  });
});
