// Close-out as one action and the status picker, against the ConnectWise simulator and the real database.
import { describe, expect, it } from 'vitest';
import type { Registered } from '../test/harness.js';
import { connectedWorld } from '../test/world.js';

const world = connectedWorld();
const { connectedAccount, mappedEngineer } = world;

/** A session on a simulated ticket with an accepted fix: the point where close-out starts. */
async function fixedSession(eng: Registered, ticket: number) {
  const session = await world.ctx.openSession(eng, { externalId: String(ticket), summary: world.sim.data.tickets.find((t) => t.id === ticket)!.summary });
  const fix = await world.ctx.request('POST', `/v1/sessions/${session.id}/fixes`, { token: eng.token, body: { title: 'Cleared stale Exchange credentials in Credential Manager', body: 'Removed the old entries; Outlook signed in with modern auth.' } });
  expect((await world.ctx.request('POST', `/v1/sessions/${session.id}/fixes/${fix.body.fix.id}/accept`, { token: eng.token })).status).toBe(200);
  return session;
}

const ticketOf = (id: number) => world.sim.data.tickets.find((t) => t.id === id)!;
const ourNotes = (ticket: number) => world.sim.data.notes.filter((n) => n.ticketId === ticket && n.text.includes('FlowPilot ref '));
const entriesOn = (ticket: number) => world.sim.data.timeEntries.filter((e) => e.chargeToId === ticket);
const statusCalls = () => world.sim.requests.filter((r) => r.method === 'GET' && /^service\/boards\/\d+\/statuses$/.test(r.apiPath ?? ''));
const writes = () => world.sim.requests.filter((r) => r.method !== 'GET');
const states = (body: { steps: Array<{ step: string; state: string }> }) => Object.fromEntries(body.steps.map((s) => [s.step, s.state]));

describe('GET /v1/sessions/:id/board-statuses', () => {
  it('lists the ticket\'s board statuses without inactive ones, served from the shared cache until refreshed', async () => {
    const admin = await connectedAccount('statuses');
    const session = await world.ctx.openSession(admin, { externalId: '184201' });
    const first = await world.ctx.request('GET', `/v1/sessions/${session.id}/board-statuses`, { token: admin.token });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ ticket: { id: 184201, status: { id: 532, name: 'In Progress' }, closed: false }, board: { id: 1, name: 'Help Desk' }, cached: false });
    expect(first.body.statuses.map((s: { name: string }) => s.name)).toEqual(['New', 'In Progress', 'Waiting on Client', 'Scheduled', 'Escalated', '>Closed']);
    expect(first.body.statuses[0]).toEqual({ id: 531, name: 'New', closed: false, default: true, timeEntryNotAllowed: false });
    expect(first.body.statuses.find((s: { name: string }) => s.name === '>Closed')).toMatchObject({ closed: true });
    expect(statusCalls()).toHaveLength(1);

    // Another session on the same board: the ticket is read again, the statuses come from the database.
    const other = await world.ctx.openSession(admin, { externalId: '184205' });
    const second = await world.ctx.request('GET', `/v1/sessions/${other.id}/board-statuses`, { token: admin.token });
    expect(second.body).toMatchObject({ ticket: { id: 184205, status: { name: 'New' } }, cached: true });
    expect(statusCalls()).toHaveLength(1);
    const [row] = await world.ctx.owner`select board_id, jsonb_array_length(statuses) as n from psa_board_statuses where account_id = ${admin.accountId}`;
    expect(row).toMatchObject({ board_id: 1, n: 6 });

    const refreshed = await world.ctx.request('GET', `/v1/sessions/${other.id}/board-statuses?refresh=1`, { token: admin.token });
    expect(refreshed.body.cached).toBe(false);
    expect(statusCalls()).toHaveLength(2);
  });

  it('is a 404 for another account\'s session and a 422 without a connection', async () => {
    const admin = await connectedAccount('statuses-a');
    const session = await world.ctx.openSession(admin, { externalId: '184201' });
    const stranger = await connectedAccount('statuses-b');
    expect((await world.ctx.request('GET', `/v1/sessions/${session.id}/board-statuses`, { token: stranger.token })).status).toBe(404);
    const lonely = await world.ctx.register('statuses-c');
    const own = await world.ctx.openSession(lonely, { externalId: '184201' });
    const res = await world.ctx.request('GET', `/v1/sessions/${own.id}/board-statuses`, { token: lonely.token });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('psa_not_configured');
  });
});

describe('POST /v1/sessions/:id/close-out', () => {
  it('posts the note, closes the ticket, logs the time and resolves the session in one call; a second call changes nothing', async () => {
    const admin = await connectedAccount('closeout');
    const eng = await mappedEngineer(admin, 'Close');
    const session = await fixedSession(eng, 184201);

    const res = await world.ctx.request('POST', `/v1/sessions/${session.id}/close-out`, {
      token: eng.token,
      body: { rootCause: 'Stale Exchange credentials left over from the migration', statusId: 536, minutes: 45 },
    });
    expect(res.status).toBe(200);
    expect(res.body.complete).toBe(true);
    expect(states(res.body)).toEqual({ note: 'done', status: 'done', time: 'done', resolve: 'done' });
    expect(res.body.steps.find((s: { step: string }) => s.step === 'time').detail).toMatch(/Logged 45 minutes on ticket #184201/);

    const [note] = ourNotes(184201);
    expect(ourNotes(184201)).toHaveLength(1);
    expect(note!.text).toContain('Stale Exchange credentials left over from the migration');
    expect(note!.text).toContain('Cleared stale Exchange credentials in Credential Manager');
    // Account defaults: an internal note, and the customer is not emailed.
    expect(note).toMatchObject({ internalAnalysisFlag: true, detailDescriptionFlag: false, resolutionFlag: false, processNotifications: false });
    expect(ticketOf(184201)).toMatchObject({ statusId: 536, closedFlag: true });
    expect(entriesOn(184201)).toHaveLength(1);
    expect(entriesOn(184201)[0]!.actualHours).toBe(0.75);
    expect(res.body.session).toMatchObject({ status: 'resolved', rootCause: 'Stale Exchange credentials left over from the migration' });

    const writesBefore = writes().length;
    const again = await world.ctx.request('POST', `/v1/sessions/${session.id}/close-out`, { token: eng.token, body: { rootCause: 'Something else', statusId: 536, minutes: 45 } });
    expect(again.status).toBe(200);
    expect(states(again.body)).toEqual({ note: 'already', status: 'already', time: 'already', resolve: 'already' });
    expect(writes().length).toBe(writesBefore);
    expect(ourNotes(184201)).toHaveLength(1);
    expect(again.body.session.rootCause).toBe('Stale Exchange credentials left over from the migration');
  });

  it('reports a status change ConnectWise refuses, keeps the session open, and a retry finishes without a second note or time entry', async () => {
    const admin = await connectedAccount('closeout-fault');
    const eng = await mappedEngineer(admin, 'Close');
    const session = await fixedSession(eng, 184205);
    world.sim.faults.status(400, { method: 'PATCH', path: 'service/tickets/184205' });

    const first = await world.ctx.request('POST', `/v1/sessions/${session.id}/close-out`, { token: eng.token, body: { statusId: 536, minutes: 20 } });
    expect(first.status).toBe(200);
    expect(first.body.complete).toBe(false);
    expect(states(first.body)).toEqual({ note: 'done', status: 'failed', time: 'done', resolve: 'skipped' });
    const failed = first.body.steps.find((s: { step: string }) => s.step === 'status');
    expect(failed.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    expect(failed.detail).toMatch(/^The status was not changed: /);
    expect(ticketOf(184205).statusId).toBe(531);
    expect(first.body.session.status).toBe('active');

    const retry = await world.ctx.request('POST', `/v1/sessions/${session.id}/close-out`, { token: eng.token, body: { statusId: 536, minutes: 20 } });
    expect(states(retry.body)).toEqual({ note: 'already', status: 'done', time: 'already', resolve: 'done' });
    expect(retry.body.complete).toBe(true);
    expect(ourNotes(184205)).toHaveLength(1);
    expect(entriesOn(184205)).toHaveLength(1);
    expect(ticketOf(184205)).toMatchObject({ statusId: 536, closedFlag: true });
    expect(retry.body.session.status).toBe('resolved');
    expect(world.sim.requests.filter((r) => r.method === 'POST' && r.apiPath === 'service/tickets/184205/notes')).toHaveLength(1);
    expect(world.sim.requests.filter((r) => r.method === 'POST' && r.apiPath === 'time/entries')).toHaveLength(1);
  });

  it('emails the customer only when asked, with the chosen flags, and refuses an inactive status', async () => {
    const admin = await connectedAccount('closeout-email');
    const eng = await mappedEngineer(admin, 'Close');
    const session = await fixedSession(eng, 184210);
    const res = await world.ctx.request('POST', `/v1/sessions/${session.id}/close-out`, {
      token: eng.token,
      body: { flags: { internal: false, discussion: true, resolution: true }, emailCustomer: true, statusId: 537, minutes: 0 },
    });
    expect(states(res.body)).toEqual({ note: 'done', status: 'failed', time: 'skipped', resolve: 'skipped' });
    const status = res.body.steps.find((s: { step: string }) => s.step === 'status');
    expect(status.error.code).toBe('status_not_on_board');
    expect(status.detail).toContain('Waiting on Client');
    const [note] = ourNotes(184210);
    expect(note).toMatchObject({ detailDescriptionFlag: true, resolutionFlag: true, internalAnalysisFlag: false, processNotifications: true });
    expect((world.sim.requests.find((r) => r.method === 'POST' && r.apiPath === 'service/tickets/184210/notes')!.body as { processNotifications: boolean }).processNotifications).toBe(true);
    expect(entriesOn(184210)).toHaveLength(0);

    // Without a status this time: nothing left to fail, the session resolves.
    const done = await world.ctx.request('POST', `/v1/sessions/${session.id}/close-out`, { token: eng.token, body: { minutes: 0 } });
    expect(states(done.body)).toEqual({ note: 'already', status: 'skipped', time: 'skipped', resolve: 'done' });
  });

  it('logs the time before closing, so a closed status that forbids time entries does not block it', async () => {
    const admin = await connectedAccount('closeout-order');
    const eng = await mappedEngineer(admin, 'Close');
    const session = await fixedSession(eng, 184206);
    world.sim.data.boards[0]!.statuses.find((s) => s.id === 536)!.timeEntryNotAllowed = true;
    const res = await world.ctx.request('POST', `/v1/sessions/${session.id}/close-out`, { token: eng.token, body: { statusId: 536, minutes: 30 } });
    expect(res.body.steps.map((s: { step: string }) => s.step)).toEqual(['note', 'time', 'status', 'resolve']);
    expect(states(res.body)).toEqual({ note: 'done', time: 'done', status: 'done', resolve: 'done' });
    expect(entriesOn(184206)).toHaveLength(1);
    expect(ticketOf(184206).closedFlag).toBe(true);
  });

  it('stops before the status when the note cannot be posted, and says why for a time entry it cannot log', async () => {
    const admin = await connectedAccount('closeout-note');
    const session = await fixedSession(admin, 184209);
    const noAudience = await world.ctx.request('POST', `/v1/sessions/${session.id}/close-out`, { token: admin.token, body: { flags: { internal: false, discussion: false, resolution: false }, statusId: 536 } });
    expect(states(noAudience.body)).toEqual({ note: 'failed', status: 'skipped', time: 'skipped', resolve: 'skipped' });
    expect(noAudience.body.steps[0].error.code).toBe('note_without_audience');
    expect(ticketOf(184209).statusId).toBe(531);

    // The admin is not mapped to a ConnectWise member: the note and status go through, the time step says why not.
    const res = await world.ctx.request('POST', `/v1/sessions/${session.id}/close-out`, { token: admin.token, body: { statusId: 536, minutes: 10 } });
    expect(states(res.body)).toEqual({ note: 'done', status: 'done', time: 'failed', resolve: 'skipped' });
    expect(res.body.steps.find((s: { step: string }) => s.step === 'time').error.code).toBe('psa_member_unmapped');
  });

  it('validates the body and keeps reporting a refused status on the separate note-post path', async () => {
    const admin = await connectedAccount('closeout-bad');
    const session = await fixedSession(admin, 184213);
    for (const body of [{ statusId: 'closed' }, { minutes: -5 }, { emailCustomer: 'yes' }, { flags: { everyone: true } }, { surprise: 1 }]) {
      const res = await world.ctx.request('POST', `/v1/sessions/${session.id}/close-out`, { token: admin.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
    }
    expect(writes()).toHaveLength(0);

    world.sim.faults.status(400, { method: 'PATCH', path: 'service/tickets/184213' });
    const posted = await world.ctx.request('POST', `/v1/sessions/${session.id}/resolution-note/post`, { token: admin.token, body: { text: 'Cleared the cached credentials.', statusId: 536 } });
    expect(posted.status).toBe(201);
    expect(posted.body.statusChange).toMatchObject({ ok: false, code: expect.any(String), message: expect.any(String) });
    const retried = await world.ctx.request('POST', `/v1/sessions/${session.id}/resolution-note/post`, { token: admin.token, body: { text: 'Cleared the cached credentials.', statusId: 536 } });
    expect(retried.status).toBe(200);
    expect(retried.body.note.alreadyPosted).toBe(true);
    expect(retried.body.statusChange).toEqual({ ok: true, status: '>Closed', already: false });
    expect(ourNotes(184213)).toHaveLength(1);
  });
});

describe('escalation with a preview, then one action', () => {
  it('previews the package with the reason without changing anything, then escalates, posts once and moves the ticket', async () => {
    const admin = await connectedAccount('escalate');
    const session = await world.ctx.openSession(admin, { externalId: '184201', summary: 'Outlook keeps prompting for password' });
    await world.ctx.request('POST', `/v1/sessions/${session.id}/facts`, { token: admin.token, body: { text: 'Prompt appears only on the VPN' } });

    const preview = await world.ctx.request('POST', `/v1/sessions/${session.id}/escalation/preview`, { token: admin.token, body: { reason: 'Needs Exchange admin rights (token pw=Hunter2!x)', format: 'text' } });
    expect(preview.status).toBe(200);
    expect(preview.body.package.text).toContain('Needs Exchange admin rights');
    expect(preview.body.package.text).toContain('Prompt appears only on the VPN');
    expect(preview.body.package.text).not.toContain('Hunter2!x');
    expect(preview.body.destination).toEqual({ ticket: '184201', flags: { internal: true, discussion: false, resolution: false }, processNotifications: false, alreadyPosted: false });
    expect((await world.ctx.request('GET', `/v1/sessions/${session.id}`, { token: admin.token })).body.session.status).toBe('active');
    expect(writes()).toHaveLength(0);

    world.sim.faults.status(400, { method: 'PATCH', path: 'service/tickets/184201' });
    const body = { reason: 'Needs Exchange admin rights', boardId: 4, statusId: 635 };
    const first = await world.ctx.request('POST', `/v1/sessions/${session.id}/escalation/send`, { token: admin.token, body });
    expect(first.status).toBe(200);
    expect(states(first.body)).toEqual({ escalate: 'done', note: 'done', ticket: 'failed' });
    expect(first.body.complete).toBe(false);
    expect(first.body.session.status).toBe('escalated');
    expect(ticketOf(184201).boardId).toBe(1);

    const retry = await world.ctx.request('POST', `/v1/sessions/${session.id}/escalation/send`, { token: admin.token, body });
    expect(states(retry.body)).toEqual({ escalate: 'already', note: 'already', ticket: 'done' });
    expect(ticketOf(184201)).toMatchObject({ boardId: 4, statusId: 635 });
    const packages = ourNotes(184201);
    expect(packages).toHaveLength(1);
    expect(packages[0]).toMatchObject({ internalAnalysisFlag: true, processNotifications: false });
    expect(packages[0]!.text).toContain('Needs Exchange admin rights');

    const third = await world.ctx.request('POST', `/v1/sessions/${session.id}/escalation/send`, { token: admin.token, body });
    expect(states(third.body)).toEqual({ escalate: 'already', note: 'already', ticket: 'already' });
    expect(ourNotes(184201)).toHaveLength(1);

    expect((await world.ctx.request('POST', `/v1/sessions/${session.id}/escalation/send`, { token: admin.token, body: { reason: '' } })).status).toBe(400);
    const resolvedOne = await world.ctx.openSession(admin, { externalId: '184205' });
    await world.ctx.request('POST', `/v1/sessions/${resolvedOne.id}/resolve`, { token: admin.token, body: {} });
    expect((await world.ctx.request('POST', `/v1/sessions/${resolvedOne.id}/escalation/send`, { token: admin.token, body: { reason: 'late' } })).status).toBe(409);
  });
});
