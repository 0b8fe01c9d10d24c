// The workspace's Maintenance section against the real API: a team admin schedules the starter patching flow for two
// servers on the second Tuesday of each month; when it falls due, a second API instance's scheduler opens a run per
// target (with a ConnectWise ticket on the simulator), and the run history shows per target.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'puppeteer';
import { startApiServer, type RunningApi } from '../api/test/api-server.js';
import { runDueSchedules } from '../api/services/schedules/runner.js';
import { launchWithExtension, screenshot, type ExtensionBrowser } from './lib/browser.js';
import { fill, signInViaOptions } from './lib/extension.js';
import { startStack, type Stack } from './lib/stack.js';

interface Schedule {
  id: string;
  name: string;
  recurrenceText: string;
  nextDueAt: string;
  recurrence: Record<string, unknown>;
  targets: { id: string; name: string; companyIdentifier: string | null }[];
}

describe('workspace: maintenance schedules', () => {
  let stack: Stack;
  let eb: ExtensionBrowser;
  let ws: Page;
  let other: RunningApi;

  beforeAll(async () => {
    stack = await startStack(inject('e2eAppUrl'));
    const c = stack.sim.credentials;
    await stack.api('PUT', '/v1/settings/psa', { site: stack.sim.url, companyId: c.companyId, publicKey: c.publicKey, privateKey: c.privateKey, clientId: c.clientId });
    other = await startApiServer({ appUrl: inject('e2eAppUrl') });
    eb = await launchWithExtension({ simPort: stack.sim.port });
  });
  afterAll(async () => {
    await eb?.close();
    await other?.close();
    await stack?.close();
  });

  // On a time-out, say what the element did show (an error message, a stale one) rather than only "timed out".
  const waitText = (sel: string, want: string) =>
    ws.waitForFunction((s, w) => document.querySelector(s)?.textContent?.includes(w), { timeout: 20_000 }, sel, want).catch(async (err: unknown) => {
      const shown = await ws.$eval(sel, (e) => e.textContent).catch(() => '(no such element)');
      throw new Error(`${sel} never said "${want}"; it shows: ${shown}`, { cause: err });
    });

  it('creates a schedule: the patching flow, two targets, monthly on the second Tuesday', async () => {
    const options = await signInViaOptions(eb, stack.apiUrl, stack.account.email, stack.account.password);
    const opened = eb.browser.waitForTarget((t) => t.url().endsWith('/workspace.html'));
    await options.click('[data-fp="opt-workspace"]');
    ws = (await (await opened).page())!;
    await ws.setViewport({ width: 1300, height: 1100 });
    await ws.waitForSelector('[data-fp="ws-flow"]', { timeout: 15_000 });
    await ws.click('[data-fp="ws-nav-maintenance"]');
    await ws.waitForSelector('[data-fp="ws-new-schedule"]');

    await fill(ws, 'input[name="scheduleName"]', 'Monthly patching: Northwind servers');
    const flowId = await ws.$$eval('select[name="scheduleFlow"] option', (os) => os.find((o) => o.textContent?.includes('Monthly patching'))!.getAttribute('value')!);
    await ws.select('select[name="scheduleFlow"]', flowId);
    await ws.type('textarea[name="scheduleTargets"]', 'NW-SQL01 | Northwind\nNW-FS02');
    // The defaults are monthly on the second Tuesday; say so explicitly, as a user would check.
    await ws.select('select[name="scheduleFreq"]', 'monthly');
    await ws.select('select[name="scheduleNth"]', '2');
    await ws.select('select[name="scheduleWeekday"]', 'TU');
    await fill(ws, 'input[name="scheduleZone"]', 'UTC');
    await ws.click('[data-fp="ws-create-schedule"]');
    await waitText('[data-fp="ws-schedules-msg"]', 'Monthly patching: Northwind servers" runs');

    const { schedules } = await stack.api<{ schedules: Schedule[] }>('GET', '/v1/maintenance-schedules');
    expect(schedules).toHaveLength(1);
    expect(schedules[0]!.recurrence).toMatchObject({ freq: 'monthly', nth: 2, byWeekday: ['TU'], time: '09:00', timeZone: 'UTC' });
    expect(schedules[0]!.targets.map((t) => [t.name, t.companyIdentifier])).toEqual([['NW-SQL01', 'Northwind'], ['NW-FS02', null]]);
    const due = new Date(schedules[0]!.nextDueAt);
    expect(due.getUTCDay()).toBe(2);
    expect(Math.ceil(due.getUTCDate() / 7)).toBe(2);
    await ws.waitForSelector('[data-fp="ws-schedule"]');
    expect(await ws.$eval('[data-fp="ws-schedule-when"]', (e) => e.textContent)).toContain(schedules[0]!.recurrenceText);
    expect(await ws.$$eval('[data-fp="ws-target-last"]', (els) => els.map((e) => e.textContent))).toEqual(['not run yet', 'not run yet']);
  });

  it('shows each target\'s runs once the schedule fell due', async () => {
    const { schedules } = await stack.api<{ schedules: Schedule[] }>('GET', '/v1/maintenance-schedules');
    const after = new Date(new Date(schedules[0]!.nextDueAt).getTime() + 60_000);
    expect(await runDueSchedules(other.deps, after)).toBe(2);

    await ws.click('[data-fp="ws-nav-flows"]');
    await ws.click('[data-fp="ws-nav-maintenance"]');
    await ws.waitForFunction(() => [...document.querySelectorAll('[data-fp="ws-target-last"]')].every((e) => !e.textContent?.includes('not run yet')), { timeout: 10_000 });
    await ws.click('[data-fp="ws-target"][data-target="NW-SQL01"] [data-fp="ws-target-history"]');
    await ws.waitForSelector('[data-fp="ws-run"]');
    const runs = await ws.$$eval('[data-fp="ws-run"]', (els) => els.map((e) => e.textContent ?? ''));
    expect(runs).toHaveLength(1);
    const { runs: stored } = await stack.api<{ runs: { targetName: string; status: string; ticketExternalId: string | null }[] }>('GET', `/v1/maintenance-schedules/${schedules[0]!.id}/runs`);
    const sql = stored.find((r) => r.targetName === 'NW-SQL01')!;
    expect(runs[0]).toContain(sql.status);
    if (sql.ticketExternalId) expect(runs[0]).toContain(`ticket #${sql.ticketExternalId}`);
    expect(await ws.$eval('[data-fp="ws-run-history"] h3', (e) => e.textContent)).toBe('Runs for NW-SQL01');
    await screenshot(ws, 'workspace-maintenance');
  });
});
