// Logging a session's time to its ConnectWise ticket, exactly once, against the real simulator and database.
import { describe, expect, it } from 'vitest';
import { connectedWorld } from '../test/world.js';

const world = connectedWorld();
const { connectedAccount, mappedEngineer } = world;

const entriesOn = (ticket: number) => world.sim.data.timeEntries.filter((e) => e.chargeToId === ticket);
const timePosts = () => world.sim.requests.filter((r) => r.method === 'POST' && r.apiPath === 'time/entries');
const ISO_Z = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

describe('POST /v1/sessions/:id/time-entry', () => {
  it('logs one entry as the mapped member with the right fields, and a repeat is a no-op', async () => {
    const admin = await connectedAccount('time');
    const eng = await mappedEngineer(admin, 'Time');
    const session = await world.ctx.openSession(eng, { externalId: '184206', summary: 'QuickBooks database server will not start' });

    const first = await world.ctx.request('POST', `/v1/sessions/${session.id}/time-entry`, { token: eng.token, body: {} });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ alreadyLogged: false, externalId: expect.any(String) });
    const entries = entriesOn(184206);
    expect(entries).toHaveLength(1);
    const entry = entries[0]!;
    expect(String(entry.id)).toBe(first.body.externalId);
    expect(world.sim.data.members.find((m) => m.id === entry.memberId)?.identifier).toBe(eng.identifier);
    expect(entry).toMatchObject({ chargeToType: 'ServiceTicket', billableOption: 'Billable', addToDetailDescriptionFlag: false, addToInternalAnalysisFlag: false, addToResolutionFlag: false });

    // What went over the wire: the documented fields, ISO times with Z, a one-line summary plus the marker.
    const [post] = timePosts();
    const sent = post!.body as Record<string, unknown>;
    expect(sent).toMatchObject({ chargeToId: 184206, chargeToType: 'ServiceTicket', member: { identifier: eng.identifier }, billableOption: 'Billable',
      addToDetailDescriptionFlag: false, addToInternalAnalysisFlag: false, addToResolutionFlag: false });
    expect(sent.timeStart).toMatch(ISO_Z);
    expect(sent.timeEnd).toMatch(ISO_Z);
    // Default minutes: the session's time spent rounded up, at least 1 (a just-opened session: 1).
    expect(Date.parse(sent.timeEnd as string) - Date.parse(sent.timeStart as string)).toBe(60_000);
    expect(first.body.timeEntry.minutes).toBe(1);
    const lines = (sent.notes as string).split('\n');
    expect(lines[0]).toContain('QuickBooks database server will not start');
    expect(lines.at(-1)).toMatch(/^FlowPilot ref [0-9A-Z]{10}$/);

    const again = await world.ctx.request('POST', `/v1/sessions/${session.id}/time-entry`, { token: eng.token, body: { minutes: 30 } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ alreadyLogged: true, externalId: first.body.externalId });
    expect(entriesOn(184206)).toHaveLength(1);
    expect(timePosts()).toHaveLength(1);
  });

  it('takes minutes, notes (redacted), billable option and the resolution flag from the body', async () => {
    const admin = await connectedAccount('timeopts');
    const eng = await mappedEngineer(admin, 'Time');
    const session = await world.ctx.openSession(eng, { externalId: '184207' });
    const res = await world.ctx.request('POST', `/v1/sessions/${session.id}/time-entry`, {
      token: eng.token,
      body: { minutes: 45, notes: 'Reset the service account, password: Hunter2!Qb', billable: 'NoCharge', addToResolution: true },
    });
    expect(res.status).toBe(201);
    const [entry] = entriesOn(184207);
    expect(entry).toMatchObject({ billableOption: 'NoCharge', addToResolutionFlag: true, addToDetailDescriptionFlag: false, addToInternalAnalysisFlag: false, actualHours: 0.75 });
    expect(entry!.notes).toContain('Reset the service account');
    expect(entry!.notes).not.toContain('Hunter2!Qb');
    expect(res.body.timeEntry).toMatchObject({ minutes: 45, billableOption: 'NoCharge', addToResolution: true, member: eng.identifier });
    for (const bad of [{ minutes: 0 }, { minutes: 1441 }, { minutes: 1.5 }, { billable: 'Maybe' }, { extra: true }]) {
      expect((await world.ctx.request('POST', `/v1/sessions/${session.id}/time-entry`, { token: eng.token, body: bad })).status).toBe(400);
    }
  });

  it('recovers a lost reply: the write landed, the answer dropped, and the retry adopts the entry by its marker', async () => {
    const admin = await connectedAccount('timelost');
    const eng = await mappedEngineer(admin, 'Time');
    const session = await world.ctx.openSession(eng, { externalId: '184210' });
    // Within one request: the POST is stored but unanswered; the follow-up lookup finds it.
    world.sim.faults.dropAfterWrite({ method: 'POST', path: 'time/entries' }, 5);
    const res = await world.ctx.request('POST', `/v1/sessions/${session.id}/time-entry`, { token: eng.token, body: { minutes: 20 } });
    expect(res.status).toBe(201);
    expect(entriesOn(184210)).toHaveLength(1);
    expect(timePosts()).toHaveLength(1);
    expect(res.body.externalId).toBe(String(entriesOn(184210)[0]!.id));
    expect(world.sim.faults.injected).toEqual([{ kind: 'dropAfterWrite' }]);
    const lookup = world.sim.requests.find((r) => r.method === 'GET' && r.apiPath === 'time/entries');
    expect(new URL(lookup!.url, world.sim.url).searchParams.get('conditions')).toBe("chargeToType='ServiceTicket' AND chargeToId=184210");
  });

  it('across requests: a write-then-drop whose lookup also fails ends in 502, and the retry still logs exactly one entry', async () => {
    const admin = await connectedAccount('timeretry');
    const eng = await mappedEngineer(admin, 'Time');
    const session = await world.ctx.openSession(eng, { externalId: '184211' });
    world.sim.faults.dropAfterWrite({ method: 'POST', path: 'time/entries' }, 1);
    world.sim.faults.status(503, { method: 'GET', path: 'time/entries' }, 10);
    const failed = await world.ctx.request('POST', `/v1/sessions/${session.id}/time-entry`, { token: eng.token, body: {} });
    expect(failed.status).toBe(502);
    expect(entriesOn(184211)).toHaveLength(1);
    world.sim.faults.clear();

    const retry = await world.ctx.request('POST', `/v1/sessions/${session.id}/time-entry`, { token: eng.token, body: {} });
    expect(retry.status).toBe(201);
    expect(retry.body.externalId).toBe(String(entriesOn(184211)[0]!.id));
    expect(entriesOn(184211)).toHaveLength(1);
    expect(timePosts()).toHaveLength(1);
    const after = await world.ctx.request('POST', `/v1/sessions/${session.id}/time-entry`, { token: eng.token, body: {} });
    expect(after.body).toEqual({ alreadyLogged: true, externalId: retry.body.externalId, timeEntry: expect.any(Object) });
  });

  it('needs a member mapping (422), a connection (422 like note posting); viewers 403, other accounts 404', async () => {
    const admin = await connectedAccount('timeauth');
    const session = await world.ctx.openSession(admin, { externalId: '184212' });
    const unmapped = await world.ctx.request('POST', `/v1/sessions/${session.id}/time-entry`, { token: admin.token, body: {} });
    expect(unmapped.status).toBe(422);
    expect(unmapped.body.error.code).toBe('psa_member_unmapped');
    expect(unmapped.body.error.message).toMatch(/map.*settings/i);

    const viewer = await world.ctx.addUser(admin, 'viewer');
    expect((await world.ctx.request('POST', `/v1/sessions/${session.id}/time-entry`, { token: viewer.token, body: {} })).status).toBe(403);
    const stranger = await connectedAccount('timestranger');
    const foreign = await world.ctx.request('POST', `/v1/sessions/${session.id}/time-entry`, { token: stranger.token, body: {} });
    expect(foreign.status).toBe(404);

    const none = await world.ctx.register('timenone');
    const own = await world.ctx.openSession(none, { externalId: '184213' });
    const noConn = await world.ctx.request('POST', `/v1/sessions/${own.id}/time-entry`, { token: none.token, body: {} });
    const noteNoConn = await world.ctx.request('POST', `/v1/sessions/${own.id}/resolution-note/post`, { token: none.token, body: { text: 'x' } });
    expect(noConn.status).toBe(422);
    expect(noConn.body).toEqual(noteNoConn.body);
    expect(world.sim.data.timeEntries).toHaveLength(0);
  });
});
