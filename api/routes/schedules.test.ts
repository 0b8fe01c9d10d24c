// Maintenance schedules against the real database and the ConnectWise simulator: CRUD, roles, and due runs opened once across instances.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../e2e/sim/simulator.js';
import { runDueSchedules } from '../services/schedules/runner.js';
import { createTestContext, type Registered, type TestContext } from '../test/harness.js';
import { quickPsa } from '../test/world.js';

let sim: Simulator;
let one: TestContext;
let two: TestContext;

beforeAll(async () => {
  sim = await startSimulator();
  // Two API instances on one database, as behind a load balancer.
  one = await createTestContext({ deps: { psa: quickPsa } });
  two = await createTestContext({ deps: { psa: quickPsa } });
});
afterAll(async () => {
  await one?.close();
  await two?.close();
  await sim?.close();
});
beforeEach(() => sim.reset());

const patchTuesday = { freq: 'monthly', byWeekday: ['TU'], nth: 2, time: '22:00', timeZone: 'UTC', startsOn: '2026-01-01' };
const ticketPosts = () => sim.requests.filter((r) => r.method === 'POST' && r.apiPath === 'service/tickets');

async function flowOfKind(admin: Registered, kind: string): Promise<string> {
  const res = await one.request('GET', `/v1/flows?kind=${kind}`, { token: admin.token });
  expect(res.body.flows.length, `a starter ${kind} flow`).toBeGreaterThan(0);
  return res.body.flows[0].id;
}

describe('/v1/maintenance-schedules', () => {
  it('opens one session per target when due — with a ConnectWise ticket where it can — once, however many instances race', async () => {
    const admin = await one.register('maint');
    expect((await one.request('PUT', '/v1/settings/psa', { token: admin.token, body: sim.connection })).status).toBe(200);
    const flowId = await flowOfKind(admin, 'maintenance');
    const created = await one.request('POST', '/v1/maintenance-schedules', {
      token: admin.token,
      body: {
        name: 'Monthly patching',
        flowId,
        recurrence: patchTuesday,
        targets: [
          { name: 'Contoso file server', company: 'Contoso Dental Group', companyIdentifier: 'ContosoDental' },
          { name: 'Northwind DC01', company: 'Northwind Law LLP', companyIdentifier: 'NorthwindLaw' },
          { name: 'Lab workstation' },
        ],
      },
    });
    expect(created.status, created.text).toBe(201);
    const schedule = created.body.schedule;
    expect(schedule.recurrenceText).toBe('Monthly on the second Tuesday at 22:00 (UTC)');
    const nextDue = new Date(schedule.nextDueAt);
    expect(nextDue.getUTCDay()).toBe(2);
    expect(nextDue.getUTCHours()).toBe(22);
    expect(nextDue.getTime()).toBeGreaterThan(Date.now());

    // Before the due date nothing opens.
    expect(await runDueSchedules(one.deps, new Date(nextDue.getTime() - 60_000))).toBe(0);
    const after = new Date(nextDue.getTime() + 60_000);
    const [a, b] = await Promise.all([runDueSchedules(one.deps, after), runDueSchedules(two.deps, after)]);
    expect(a + b).toBe(3);
    expect(await runDueSchedules(two.deps, after)).toBe(0);
    expect(ticketPosts()).toHaveLength(2);

    const got = await one.request('GET', `/v1/maintenance-schedules/${schedule.id}`, { token: admin.token });
    expect(new Date(got.body.schedule.nextDueAt).getTime()).toBeGreaterThan(nextDue.getTime() + 20 * 86_400_000);
    const byName = Object.fromEntries(got.body.schedule.targets.map((t: { name: string; lastRun: unknown }) => [t.name, t.lastRun]));
    for (const name of ['Contoso file server', 'Northwind DC01']) {
      expect(byName[name]).toMatchObject({ status: 'opened', dueAt: nextDue.toISOString(), ticketExternalId: expect.stringMatching(/^\d+$/) });
    }
    expect(byName['Lab workstation']).toMatchObject({ status: 'opened', ticketExternalId: expect.stringMatching(/^M-[0-9a-f]{8}$/) });

    const contoso = byName['Contoso file server'] as { sessionId: string; ticketExternalId: string };
    const simTicket = sim.data.tickets.find((t) => String(t.id) === contoso.ticketExternalId)!;
    expect(simTicket.summary).toBe('Monthly patching — Contoso file server');
    expect(sim.data.companies.find((c) => c.id === simTicket.companyId)!.identifier).toBe('ContosoDental');
    const session = await one.request('GET', `/v1/sessions/${contoso.sessionId}`, { token: admin.token });
    expect(session.body.session).toMatchObject({ flowId, status: 'active', userId: admin.userId, ticket: { psa: 'connectwise', externalId: contoso.ticketExternalId, company: 'Contoso Dental Group' } });
    expect(session.body.session.currentNodeId).toBeTruthy();

    // The next due date opens the next run; the history per target lists both, newest first.
    const nextAfter = new Date(new Date(got.body.schedule.nextDueAt).getTime() + 60_000);
    expect(await runDueSchedules(one.deps, nextAfter)).toBe(3);
    const contosoId = got.body.schedule.targets.find((t: { name: string }) => t.name === 'Contoso file server').id;
    const history = await one.request('GET', `/v1/maintenance-schedules/${schedule.id}/runs?targetId=${contosoId}`, { token: admin.token });
    expect(history.body.runs.map((r: { dueAt: string }) => r.dueAt)).toEqual([got.body.schedule.nextDueAt, nextDue.toISOString()]);
    expect(history.body.runs.every((r: { targetName: string; status: string }) => r.targetName === 'Contoso file server' && r.status === 'opened')).toBe(true);
  });

  it('records a run ConnectWise refused as failed, with the reason, and still runs the other targets', async () => {
    const admin = await one.register('maint-fail');
    expect((await one.request('PUT', '/v1/settings/psa', { token: admin.token, body: sim.connection })).status).toBe(200);
    const created = await one.request('POST', '/v1/maintenance-schedules', {
      token: admin.token,
      body: { name: 'Backups check', flowId: await flowOfKind(admin, 'maintenance'), recurrence: { freq: 'daily', time: '06:00', startsOn: '2026-01-01' }, targets: [{ name: 'Ghost', companyIdentifier: 'NoSuchCompany' }, { name: 'Contoso NAS', companyIdentifier: 'ContosoDental' }] },
    });
    expect(created.status, created.text).toBe(201);
    expect(await runDueSchedules(one.deps, new Date(new Date(created.body.schedule.nextDueAt).getTime() + 1000))).toBe(2);
    const runs = await one.request('GET', `/v1/maintenance-schedules/${created.body.schedule.id}/runs`, { token: admin.token });
    const byName = Object.fromEntries(runs.body.runs.map((r: { targetName: string }) => [r.targetName, r]));
    expect(byName.Ghost).toMatchObject({ status: 'failed', sessionId: null, error: expect.stringMatching(/company/i) });
    expect(byName['Contoso NAS']).toMatchObject({ status: 'opened', sessionId: expect.any(String) });

    // A run whose instance died while opening it is marked failed by a later pass, not left in progress.
    const ghost = byName.Ghost as { id: string; dueAt: string };
    await one.owner`update maintenance_runs set status = 'opening', error = null, finished_at = null, created_at = now() - interval '1 hour' where id = ${ghost.id}`;
    await runDueSchedules(two.deps, new Date(new Date(ghost.dueAt).getTime() + 1000));
    const [stale] = await one.owner<[{ status: string; error: string }]>`select status, error from maintenance_runs where id = ${ghost.id}`;
    expect(stale).toEqual({ status: 'failed', error: 'The API instance opening this run stopped before it finished.' });
  });

  it('validates the flow, the rule and the targets; engineers and viewers read only; other accounts see nothing', async () => {
    const admin = await one.register('maint-rules');
    const engineer = await one.addUser(admin, 'engineer');
    const viewer = await one.addUser(admin, 'viewer');
    const flowId = await flowOfKind(admin, 'maintenance');
    const body = { name: 'Weekly reboot', flowId, recurrence: { freq: 'weekly', byWeekday: ['SU'], time: '03:00', timeZone: 'Europe/London', startsOn: '2026-01-04' }, targets: [{ name: 'RDS01' }] };

    const wrongKind = await one.request('POST', '/v1/maintenance-schedules', { token: admin.token, body: { ...body, flowId: await flowOfKind(admin, 'troubleshooting') } });
    expect(wrongKind.status).toBe(422);
    expect(wrongKind.body.error.code).toBe('not_a_maintenance_flow');
    const badRule = await one.request('POST', '/v1/maintenance-schedules', { token: admin.token, body: { ...body, recurrence: { freq: 'monthly', startsOn: '2026-01-01' } } });
    expect(badRule.status).toBe(400);
    expect(badRule.body.error.message).toMatch(/recurrence: a monthly rule needs either byMonthDay/);
    expect((await one.request('POST', '/v1/maintenance-schedules', { token: admin.token, body: { ...body, targets: [] } })).status).toBe(400);
    expect((await one.request('POST', '/v1/maintenance-schedules', { token: engineer.token, body })).status).toBe(403);
    expect((await one.request('POST', '/v1/maintenance-schedules', { token: viewer.token, body })).status).toBe(403);

    const created = await one.request('POST', '/v1/maintenance-schedules', { token: admin.token, body });
    expect(created.status, created.text).toBe(201);
    const id = created.body.schedule.id;
    const targetId = created.body.schedule.targets[0].id;
    expect((await one.request('GET', '/v1/maintenance-schedules', { token: viewer.token })).body.schedules.map((s: { id: string }) => s.id)).toContain(id);
    expect((await one.request('PATCH', `/v1/maintenance-schedules/${id}`, { token: engineer.token, body: { enabled: false } })).status).toBe(403);

    // Renaming a target keeps its id (and so its history); switching off clears the due date.
    const patched = await one.request('PATCH', `/v1/maintenance-schedules/${id}`, { token: admin.token, body: { enabled: false, targets: [{ id: targetId, name: 'RDS01 (renamed)' }, { name: 'RDS02' }] } });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.schedule).toMatchObject({ enabled: false, nextDueAt: null });
    expect(patched.body.schedule.targets[0]).toMatchObject({ id: targetId, name: 'RDS01 (renamed)' });
    expect(patched.body.schedule.targets[1].id).not.toBe(targetId);
    const on = await one.request('PATCH', `/v1/maintenance-schedules/${id}`, { token: admin.token, body: { enabled: true } });
    expect(new Date(on.body.schedule.nextDueAt).getTime()).toBeGreaterThan(Date.now());

    const other = await one.register('maint-other');
    expect((await one.request('GET', `/v1/maintenance-schedules/${id}`, { token: other.token })).status).toBe(404);
    expect((await one.request('DELETE', `/v1/maintenance-schedules/${id}`, { token: other.token })).status).toBe(404);
    expect((await one.request('POST', '/v1/maintenance-schedules', { token: other.token, body })).status).toBe(404);
    expect((await one.request('DELETE', `/v1/maintenance-schedules/${id}`, { token: admin.token })).status).toBe(200);
    expect((await one.request('GET', `/v1/maintenance-schedules/${id}`, { token: admin.token })).status).toBe(404);
  });
});
