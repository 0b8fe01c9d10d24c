// The AI flow builder with a model: the real API configured with an Anthropic key and pointed at the loopback fake
// (the real SDK on the wire). A described problem becomes the model's draft (its first answer repaired once), with the
// secret in the description kept from the model; the draft opens in the editor and saves into the library. With the
// provider down the screen still gives a draft (the closest library flow) and says why. The draft streams in: its steps
// show while the model is still writing.
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'puppeteer';
import { startAnthropicFake, type AnthropicFake } from '../api/test/fakes/anthropic.js';
import { launchWithExtension, screenshot, type ExtensionBrowser } from './lib/browser.js';
import { fill, signInViaOptions } from './lib/extension.js';
import { startStack, type Stack } from './lib/stack.js';
import { modelFlow } from '../api/test/model-flow.js';

const SECRET = 'Sup3r-Secret-99';


describe('workspace: AI flow builder with a model (Anthropic fake)', () => {
  let fake: AnthropicFake;
  let stack: Stack;
  let eb: ExtensionBrowser;
  let ws: Page;

  beforeAll(async () => {
    fake = await startAnthropicFake();
    stack = await startStack(inject('e2eAppUrl'), { env: { ANTHROPIC_API_KEY: 'sk-ant-e2e-builder', ANTHROPIC_BASE_URL: fake.url } });
    await stack.api('POST', '/v1/flows', {
      kind: 'troubleshooting',
      title: 'Zebra label printer prints blank labels',
      description: 'The warehouse Zebra printer feeds labels but prints nothing on them',
      tags: ['zebra', 'labels'],
      graph: {
        start: 'q1',
        nodes: [
          { id: 'q1', kind: 'question', title: 'Is the ribbon installed ink side out?', options: [{ id: 'yes', label: 'Yes', next: 'e1' }, { id: 'no', label: 'No', next: 's1' }] },
          { id: 's1', kind: 'solution', title: 'Turn the ribbon and calibrate the media', options: [] },
          { id: 'e1', kind: 'escalate', title: 'Escalate to the printer vendor', options: [] },
        ],
      },
    });
    eb = await launchWithExtension({ simPort: stack.sim.port });
    const options = await signInViaOptions(eb, stack.apiUrl, stack.account.email, stack.account.password);
    const opened = eb.browser.waitForTarget((t) => t.url().endsWith('/workspace.html'));
    await options.click('[data-fp="opt-workspace"]');
    ws = (await (await opened).page())!;
    await ws.setViewport({ width: 1300, height: 1000 });
    await ws.waitForSelector('[data-fp="ws-nav-builder"]', { timeout: 15_000 });
  });
  beforeEach(() => {
    fake.clearScript();
    fake.setStreamDelay(0);
  });
  afterAll(async () => {
    await eb?.close();
    await stack?.close();
    await fake?.close();
  });

  const waitText = (sel: string, want: string) => ws.waitForFunction((s, w) => document.querySelector(s)?.textContent?.includes(w), { timeout: 30_000 }, sel, want);

  /** Describes the problem and waits for the builder to finish (the button back from "Drafting…"). */
  async function draft(prompt: string) {
    await ws.click('[data-fp="ws-nav-builder"]');
    await ws.waitForSelector('textarea[name="builderPrompt"]');
    await fill(ws, 'textarea[name="builderPrompt"]', prompt);
    await ws.waitForSelector('[data-fp="ws-builder-generate"]:not([disabled])');
    await ws.click('[data-fp="ws-builder-generate"]');
    await ws.waitForSelector('[data-fp="ws-builder-result"]', { timeout: 30_000 });
    await ws.waitForSelector('[data-fp="ws-builder-generate"]:not([disabled])');
  }

  it("shows the model's draft (repaired once), keeps the secret from the model, opens it in the editor and saves it", async () => {
    const broken = structuredClone(modelFlow);
    broken.graph.nodes[0]!.options[0]!.next = 'nowhere';
    fake.script({ kind: 'tool', input: broken }, { kind: 'tool', input: modelFlow });
    const before = fake.requests.length;

    await draft(`Teams does not see the laptop camera; the local admin password is ${SECRET}`);
    const said = (await ws.$eval('[data-fp="ws-builder-msg"]', (e) => e.textContent))!;
    expect(said).toMatch(/^Drafted by .+ \(its first answer needed a repair\)\.$/);
    expect(said).not.toContain('the model.');
    expect(await ws.$eval('[data-fp="ws-builder-result"] h3', (e) => e.textContent)).toBe('Teams camera not detected');
    expect(await ws.$$eval('[data-fp="ws-builder-step"]', (els) => els.map((e) => e.textContent))).toEqual(modelFlow.graph.nodes.map((n) => n.title));
    await screenshot(ws, 'workspace-ai-builder-model');

    // Two calls: the draft and its repair, which names the bad target; the password never reached the model.
    expect(fake.requests.length - before).toBe(2);
    const [first, repair] = fake.requests.slice(before);
    expect(first!.raw).toContain('Teams does not see the laptop camera');
    expect(first!.raw).not.toContain(SECRET);
    expect(first!.raw).toContain('the local admin password is [redacted password]');
    expect(repair!.raw).not.toContain(SECRET);
    expect(JSON.stringify(repair!.body.messages.at(-1))).toContain('nowhere');

    await ws.click('[data-fp="ws-builder-open"]');
    await ws.waitForSelector('[data-fp="ws-editor"] input[name="flowTitle"]');
    expect(await ws.$eval('input[name="flowTitle"]', (e) => (e as HTMLInputElement).value)).toBe('Teams camera not detected');
    await ws.waitForSelector('.react-flow__node [data-node-id="other_apps"]');
    await ws.waitForSelector('[data-fp="ws-valid"]');
    await ws.click('[data-fp="ws-save"]');
    await waitText('[data-fp="ws-editor-msg"]', '(version 1)');

    const { flows } = await stack.api<{ flows: { id: string; title: string; nodeCount: number }[] }>('GET', '/v1/flows?q=camera');
    expect(flows.map((f) => [f.title, f.nodeCount])).toEqual([['Teams camera not detected', 5]]);
    const { flow } = await stack.api<{ flow: { graph: typeof modelFlow.graph } }>('GET', `/v1/flows/${flows[0]!.id}`);
    expect(flow.graph.nodes.find((n) => n.id === 'other_apps')!.options.map((o) => o.next)).toEqual(['teams_settings', 'privacy']);
  });

  it('shows the steps as the model writes them, before the draft is complete', async () => {
    fake.script({ kind: 'tool', input: modelFlow });
    fake.setStreamDelay(40); // the model's answer arrives over a couple of seconds
    await ws.click('[data-fp="ws-nav-builder"]');
    await fill(ws, 'textarea[name="builderPrompt"]', 'Teams does not see the laptop camera');
    await ws.waitForSelector('[data-fp="ws-builder-generate"]:not([disabled])');
    await ws.click('[data-fp="ws-builder-generate"]');
    // The screen at the moment the first step shows: no draft yet, the progress line names the step.
    const first = await ws.waitForFunction(
      () => {
        const step = document.querySelector('[data-fp="ws-builder-drafting-step"]');
        return step
          ? { step: step.textContent, draft: !!document.querySelector('[data-fp="ws-builder-result"]'), said: document.querySelector('[data-fp="ws-builder-msg"]')?.textContent ?? '' }
          : null;
      },
      { timeout: 30_000, polling: 'mutation' },
    );
    const seen = (await first.jsonValue()) as { step: string; draft: boolean; said: string };
    expect(seen.draft).toBe(false);
    expect(seen.step).toBe(modelFlow.graph.nodes[0]!.title);
    expect(seen.said).toMatch(/^Drafting… \d+ steps? so far: /);
    expect(seen.said).toContain(modelFlow.graph.nodes[0]!.title);
    await screenshot(ws, 'workspace-ai-builder-streaming');

    await ws.waitForSelector('[data-fp="ws-builder-result"]', { timeout: 30_000 });
    expect(await ws.$('[data-fp="ws-builder-drafting"]')).toBeNull();
    expect(await ws.$$eval('[data-fp="ws-builder-step"]', (els) => els.map((e) => e.textContent))).toEqual(modelFlow.graph.nodes.map((n) => n.title));
    expect((await ws.$eval('[data-fp="ws-builder-msg"]', (e) => e.textContent))!).toMatch(/^Drafted by .+\.$/);
  });

  it('with the provider down, starts from the closest library flow and says why (no error)', async () => {
    fake.script({ kind: 'error', status: 529 }, { kind: 'error', status: 529 }, { kind: 'error', status: 529 });
    await draft('The Zebra label printer in the warehouse prints blank labels');
    const said = (await ws.$eval('[data-fp="ws-builder-msg"]', (e) => e.textContent))!;
    expect(said).toMatch(/^The model's draft was not usable \(overloaded/);
    expect(said).toContain('starts from the closest library flow, "Zebra label printer prints blank labels"');
    expect(await ws.$$eval('[data-fp="ws-builder-step"]', (els) => els.map((e) => e.textContent))).toContain('Turn the ribbon and calibrate the media');
    expect(await ws.$('[data-fp="ws-builder-msg"].error')).toBeNull();
  });
});
