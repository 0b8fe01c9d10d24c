// The workspace's Usage section against the real API: sessions resolved and escalated, time logged and a resolution
// note posted through the API on simulated tickets; model usage rows as the API's model calls record them (this
// stack runs without a model provider, so they are written to ai_usage directly); then the charts and tables.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import postgres from 'postgres';
import type { Page } from 'puppeteer';
import { launchWithExtension, screenshot, type ExtensionBrowser } from './lib/browser.js';
import { signInViaOptions } from './lib/extension.js';
import { startStack, type Stack } from './lib/stack.js';

const ticket = (id: number, summary: string) => ({ psa: 'connectwise', externalId: String(id), summary, company: 'Contoso Dental' });

describe('workspace: usage', () => {
  let stack: Stack;
  let eb: ExtensionBrowser;
  let ws: Page;
  let owner: postgres.Sql;

  beforeAll(async () => {
    stack = await startStack(inject('e2eAppUrl'));
    owner = postgres(inject('e2eOwnerUrl'), { max: 1, onnotice: () => {} });
    const c = stack.sim.credentials;
    await stack.api('PUT', '/v1/settings/psa', { site: stack.sim.url, companyId: c.companyId, publicKey: c.publicKey, privateKey: c.privateKey, clientId: c.clientId });
    await stack.api('PUT', '/v1/settings/psa/members', { autoMatch: false, mappings: [{ userId: stack.account.userId, memberIdentifier: 'jdoe' }] });

    // One ticket fixed, documented and resolved with time logged; another escalated.
    const { session: fixed } = await stack.api<{ session: { id: string } }>('POST', '/v1/sessions', { ticket: ticket(184201, 'Outlook keeps prompting for password') });
    const { fix } = await stack.api<{ fix: { id: string } }>('POST', `/v1/sessions/${fixed.id}/fixes`, { title: 'Cleared stale credentials in Credential Manager' });
    await stack.api('POST', `/v1/sessions/${fixed.id}/fixes/${fix.id}/accept`);
    await new Promise((r) => setTimeout(r, 2100));
    await stack.api('POST', `/v1/sessions/${fixed.id}/resolution-note/post`, { internal: true, resolution: true });
    await stack.api('POST', `/v1/sessions/${fixed.id}/time-entry`, { minutes: 25 });
    await stack.api('POST', `/v1/sessions/${fixed.id}/resolve`, {});
    const { session: hard } = await stack.api<{ session: { id: string } }>('POST', '/v1/sessions', { ticket: ticket(184202, 'VPN drops every 10 minutes') });
    await stack.api('POST', `/v1/sessions/${hard.id}/escalate`, { reason: 'Needs the network team' });

    const { account } = await stack.api<{ account: { id: string } }>('GET', '/v1/me');
    const row = (feature: string, tier: string, model: string, input: number, output: number, cost: number, daysAgo: number) => ({
      account_id: account.id,
      user_id: stack.account.userId,
      feature,
      tier,
      routed_tier: tier,
      provider: 'anthropic',
      model,
      outcome: 'ok',
      input_tokens: input,
      output_tokens: output,
      cost_usd: cost,
      created_at: new Date(Date.now() - daysAgo * 86_400_000),
    });
    await owner`insert into ai_usage ${owner([
      row('suggest', 'fast', 'claude-haiku', 12_000, 800, 0.016, 40),
      row('suggest', 'deep', 'claude-sonnet', 30_000, 2_000, 0.12, 40),
      row('suggest', 'fast', 'claude-haiku', 9_000, 600, 0.012, 0),
      row('flow_builder', 'deep', 'claude-sonnet', 50_000, 6_000, 0.24, 0),
    ])}`;

    eb = await launchWithExtension({ simPort: stack.sim.port });
  });
  afterAll(async () => {
    await eb?.close();
    await owner?.end();
    await stack?.close();
  });

  it('shows model cost per month and tier, switchable to tokens', async () => {
    const options = await signInViaOptions(eb, stack.apiUrl, stack.account.email, stack.account.password);
    const opened = eb.browser.waitForTarget((t) => t.url().endsWith('/workspace.html'));
    await options.click('[data-fp="opt-workspace"]');
    ws = (await (await opened).page())!;
    await ws.setViewport({ width: 1300, height: 1400 });
    await ws.waitForSelector('[data-fp="ws-nav-usage"]', { timeout: 15_000 });
    await ws.click('[data-fp="ws-nav-usage"]');
    await ws.waitForSelector('[data-fp="ws-usage-bar"]');

    const bars = () => ws.$$eval('[data-fp="ws-usage-bar"]', (els) => els.map((e) => ({ month: e.getAttribute('data-month'), total: Number(e.getAttribute('data-total')), segments: e.querySelectorAll('rect').length })));
    const month = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 7);
    // 40 days ago and today: the month between them (when there is one) is an empty bar, not a gap closed up.
    const cost = (await bars()).filter((b) => b.total > 0);
    const index = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5));
    expect((await bars()).length).toBe(index(month(0)) - index(month(40)) + 1);
    expect(cost.map((b) => b.month)).toEqual([month(40), month(0)]);
    expect(cost.map((b) => Math.round(b.total * 1000))).toEqual([136, 252]);
    // Two tiers in each month: two segments a bar, taller for the dearer month.
    expect(cost.every((b) => b.segments === 2)).toBe(true);
    const heights = await ws.$$eval('[data-fp="ws-usage-bar"]', (els) => els.map((e) => [...e.querySelectorAll('rect')].reduce((a, r) => a + Number(r.getAttribute('height')), 0)));
    expect(heights[heights.length - 1]!).toBeGreaterThan(heights[0]!);
    expect(await ws.$eval('[data-fp="ws-usage-table"]', (e) => e.textContent)).toContain('$0.2400');

    await ws.select('[data-fp="ws-usage-metric"]', 'tokens');
    await ws.waitForFunction(() => document.querySelector('[data-fp="ws-usage-bar"]')?.getAttribute('data-total') === '44800');
    expect((await bars()).map((b) => b.total).filter(Boolean)).toEqual([44_800, 65_600]);
  });

  it('shows sessions resolved and escalated and time logged per engineer and week', async () => {
    const engineer = '[data-fp="ws-engineer"][data-name="John Doe"]';
    await ws.waitForSelector(engineer);
    const cells = await ws.$$eval(`${engineer} [data-fp="ws-engineer-week"] td`, (els) => els.map((e) => e.textContent));
    // This week: one resolved, one escalated, 25 minutes logged.
    expect(cells.slice(1)).toEqual(['1', '1', '25 min']);
  });

  it('shows the documentation time measured per ticket, with the median and p90', async () => {
    const report = await stack.api<{ summary: { tickets: number; medianSeconds: number }; tickets: { seconds: number }[] }>('GET', '/v1/reports/documentation-time');
    expect(report.summary.tickets).toBe(1);
    expect(report.tickets[0]!.seconds).toBeGreaterThanOrEqual(2);
    const summary = await ws.$eval('[data-fp="ws-doc-summary"]', (e) => e.textContent);
    expect(summary).toBe(`1 ticket · median ${report.summary.medianSeconds} s · p90 ${report.summary.medianSeconds} s`);
    expect(await ws.$eval('[data-fp="ws-doc-ticket"][data-ticket="184201"]', (e) => e.textContent)).toContain('Outlook keeps prompting');
    await screenshot(ws, 'workspace-usage');
  });
});
