// ConnectWise routes against the real simulator and the real database: connection secrecy, test, members, ticket pull, posting.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Registered } from '../test/harness.js';
import { connectedWorld } from '../test/world.js';

const world = connectedWorld({
  simulator: { extraApiKeys: [{ publicKey: 'noTicketsPub', privateKey: 'noTicketsPriv-9f8e7d', memberIdentifier: 'FlowPilotAPI', deny: ['service/tickets', 'system/info'] }] },
});
const { connectedAccount } = world;

const connection = (over: Record<string, string> = {}) => ({ ...world.sim.connection, ...over });

/** Adds a ConnectWise member and one of our users with the same email. */
async function userWithMember(admin: Registered, identifier: string) {
  const email = `${identifier}-${randomBytes(4).toString('hex')}@bluewave-it.example`;
  world.sim.data.members.push({ id: 900 + world.sim.data.members.length, identifier, firstName: 'Test', lastName: identifier, primaryEmail: email, officeEmail: null, title: 'Engineer', inactiveFlag: false });
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const created = await world.ctx.request('POST', '/v1/users', { token: admin.token, body: { name: `Engineer ${identifier}`, email, password, role: 'engineer' } });
  expect(created.status).toBe(201);
  const login = await world.ctx.request('POST', '/v1/auth/login', { body: { email, password } });
  return { token: login.body.accessToken as string, userId: login.body.user.id as string, email };
}

describe('connection settings', () => {
  it('stores the private key encrypted, never returns it, and never logs it', async () => {
    const admin = await world.ctx.register('secret');
    const secret = `pk-${randomBytes(12).toString('hex')}`;
    const put = await world.ctx.request('PUT', '/v1/settings/psa', { token: admin.token, body: connection({ privateKey: secret }) });
    expect(put.status).toBe(200);
    expect(put.body.connection).toMatchObject({ site: world.sim.url, companyId: 'flowpilot_demo', publicKey: world.sim.credentials.publicKey, privateKeySet: true });
    const get = await world.ctx.request('GET', '/v1/settings/psa', { token: admin.token });
    expect(get.body.connection.privateKeySet).toBe(true);
    for (const r of [put, get]) {
      expect(r.text).not.toContain(secret);
      expect(JSON.stringify(r.body)).not.toMatch(/privateKey"/);
    }
    const [row] = await world.ctx.owner`select * from psa_connections where account_id = ${admin.accountId}`;
    const raw = JSON.stringify(row);
    expect(raw).not.toContain(secret);
    expect(raw).not.toContain(Buffer.from(secret).toString('base64'));
    expect(raw).not.toContain(Buffer.from(secret).toString('hex'));
    expect(row!.private_key_encrypted).toMatch(/^v1\./);
    // Used for real: a failing test with this wrong key does not echo it either.
    const test = await world.ctx.request('POST', '/v1/settings/psa/test', { token: admin.token, body: {} });
    expect(test.status).toBe(502);
    expect(test.text).not.toContain(secret);
    expect(world.ctx.logs.join('\n')).not.toContain(secret);
    // The ciphertext is bound to the account: copied into another account's row, it does not decrypt.
    const other = await connectedAccount('copy');
    await world.ctx.owner`update psa_connections set private_key_encrypted = ${row!.private_key_encrypted} where account_id = ${other.accountId}`;
    const copied = await world.ctx.request('POST', '/v1/settings/psa/test', { token: other.token, body: {} });
    expect(copied.status).toBe(502);
    expect(copied.body.error.code).toBe('psa_key_unreadable');
  });

  it('is changed only by team admins; the private key is required the first time and kept after', async () => {
    const admin = await world.ctx.register('roles');
    const engineer = await world.ctx.addUser(admin, 'engineer');
    expect((await world.ctx.request('PUT', '/v1/settings/psa', { token: engineer.token, body: connection() })).status).toBe(403);
    const { privateKey: _omit, ...withoutKey } = connection();
    const first = await world.ctx.request('PUT', '/v1/settings/psa', { token: admin.token, body: withoutKey });
    expect(first.status).toBe(400);
    expect(first.body.error.message).toMatch(/privateKey/);
    expect((await world.ctx.request('PUT', '/v1/settings/psa', { token: admin.token, body: connection() })).status).toBe(200);
    expect((await world.ctx.request('PUT', '/v1/settings/psa', { token: admin.token, body: withoutKey })).status).toBe(200);
    const test = await world.ctx.request('POST', '/v1/settings/psa/test', { token: admin.token, body: {} });
    expect(test.status).toBe(200);
    const bad = await world.ctx.request('PUT', '/v1/settings/psa', { token: admin.token, body: connection({ site: 'https://na.myconnectwise.net/v4_6_release/' }) });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/site/);
    expect((await world.ctx.request('GET', '/v1/settings/psa', { token: engineer.token })).body.connection.site).toBe(world.sim.url);
  });

  it('tests the connection: version and codebase on success, a specific reason on failure', async () => {
    const admin = await connectedAccount('test');
    const ok = await world.ctx.request('POST', '/v1/settings/psa/test', { token: admin.token, body: {} });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, version: 'v2025.1.10431', isCloud: true, codebase: 'v2025_1/' });
    expect((await world.ctx.request('GET', '/v1/settings/psa', { token: admin.token })).body.connection.codebase).toBe('v2025_1/');

    const wrongKey = await world.ctx.request('POST', '/v1/settings/psa/test', { token: admin.token, body: { privateKey: 'not-the-key' } });
    expect(wrongKey.status).toBe(502);
    expect(wrongKey.body.error.code).toBe('psa_bad_credentials');
    expect(wrongKey.body.error.message).toMatch(/private key/);
    expect(wrongKey.text).not.toContain('not-the-key');

    const role = await world.ctx.request('POST', '/v1/settings/psa/test', { token: admin.token, body: { publicKey: 'noTicketsPub', privateKey: 'noTicketsPriv-9f8e7d' } });
    expect(role.status).toBe(502);
    expect(role.body.error.code).toBe('psa_forbidden');
    expect(role.body.error.message).toMatch(/security role/);

    const unreachable = await world.ctx.request('POST', '/v1/settings/psa/test', { token: admin.token, body: { site: 'http://127.0.0.1:1', privateKey: world.sim.credentials.privateKey } });
    expect(unreachable.status).toBe(502);
    expect(unreachable.body.error.code).toBe('psa_unavailable');

    const none = await world.ctx.register('none');
    expect((await world.ctx.request('POST', '/v1/settings/psa/test', { token: none.token, body: {} })).status).toBe(400);
  });
});

describe('ticket pull', () => {
  it('returns the ticket as a TicketContext with its description and notes', async () => {
    const admin = await connectedAccount('pull');
    const engineer = await world.ctx.addUser(admin, 'engineer');
    const res = await world.ctx.request('GET', '/v1/psa/tickets/184202', { token: engineer.token });
    expect(res.status).toBe(200);
    expect(res.body.ticket).toEqual({
      psa: 'connectwise',
      externalId: '184202',
      summary: 'VPN drops every 10 minutes for remote staff',
      company: 'Northwind Law LLP',
      contact: 'Priya Natarajan',
      board: 'Network Operations',
      status: 'In Progress',
      priority: 'Priority 2 - High',
      description: expect.stringContaining('GlobalProtect VPN'),
      url: `${world.sim.url}/v4_6_release/services/system_io/Service/fv_sr100_request.rails?service_recid=184202`,
    });
    expect(res.body.notes).toHaveLength(3);
    expect(res.body.notes[2]).toMatchObject({ member: null, contact: { name: 'Priya Natarajan' } });

    const many = await world.ctx.request('GET', '/v1/psa/tickets/184215', { token: engineer.token });
    expect(many.body.notes).toHaveLength(world.sim.data.notes.filter((n) => n.ticketId === 184215).length);
  });

  it('maps ConnectWise failures to distinct 502s, and needs a connection', async () => {
    const admin = await connectedAccount('pullerr');
    const missing = await world.ctx.request('GET', '/v1/psa/tickets/999999', { token: admin.token });
    expect(missing.status).toBe(502);
    expect(missing.body.error).toEqual({ code: 'psa_not_found', message: expect.stringMatching(/^Ticket #999999 was not found in ConnectWise/) });
    expect((await world.ctx.request('GET', '/v1/psa/tickets/abc', { token: admin.token })).status).toBe(400);
    const none = await world.ctx.register('noconn');
    const res = await world.ctx.request('GET', '/v1/psa/tickets/184201', { token: none.token });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('psa_not_configured');
  });
});

describe('member mapping', () => {
  it('auto-matches users to members by email and lets an admin map by hand', async () => {
    const admin = await connectedAccount('members');
    const eng = await userWithMember(admin, `auto${randomBytes(2).toString('hex')}`);
    const listed = await world.ctx.request('GET', '/v1/settings/psa/members', { token: admin.token });
    expect(listed.status).toBe(200);
    expect(listed.body.members.map((m: { identifier: string }) => m.identifier)).toContain('jdoe');
    expect(listed.body.members.map((m: { identifier: string }) => m.identifier)).not.toContain('bwalsh');
    expect(listed.body.users.find((u: { userId: string }) => u.userId === eng.userId).member).toBeNull();

    const matched = await world.ctx.request('PUT', '/v1/settings/psa/members', { token: admin.token, body: { autoMatch: true } });
    expect(matched.status).toBe(200);
    expect(matched.body.autoMatched).toBe(1);
    const mine = matched.body.users.find((u: { userId: string }) => u.userId === eng.userId);
    expect(mine.member).toMatchObject({ matchedBy: 'auto' });

    const manual = await world.ctx.request('PUT', '/v1/settings/psa/members', { token: admin.token, body: { mappings: [{ userId: admin.userId, memberIdentifier: 'asmith' }] } });
    expect(manual.body.users.find((u: { userId: string }) => u.userId === admin.userId).member).toMatchObject({ identifier: 'asmith', matchedBy: 'manual' });
    const inactive = await world.ctx.request('PUT', '/v1/settings/psa/members', { token: admin.token, body: { mappings: [{ userId: admin.userId, memberIdentifier: 'bwalsh' }] } });
    expect(inactive.status).toBe(422);
    const unknown = await world.ctx.request('PUT', '/v1/settings/psa/members', { token: admin.token, body: { mappings: [{ userId: admin.userId, memberIdentifier: 'ghost' }] } });
    expect(unknown.status).toBe(422);
    expect((await world.ctx.request('PUT', '/v1/settings/psa/members', { token: eng.token, body: { autoMatch: true } })).status).toBe(403);
  });
});

describe('posting notes', () => {
  it('posts the resolution note once with the right flags, no email, attributed to the mapped member', async () => {
    const admin = await connectedAccount('post');
    const identifier = `eng${randomBytes(2).toString('hex')}`;
    const eng = await userWithMember(admin, identifier);
    await world.ctx.request('PUT', '/v1/settings/psa/members', { token: admin.token, body: { autoMatch: true } });
    const session = await world.ctx.openSession({ ...admin, token: eng.token, userId: eng.userId } as Registered, { externalId: '184206' });

    const text = 'Problem\nQuickBooks database server would not start.\n\nResolution\nReset the service account (password: Hunter2!Qb) and restarted QuickBooksDB34.';
    const first = await world.ctx.request('POST', `/v1/sessions/${session.id}/resolution-note/post`, { token: eng.token, body: { text, resolution: true, internal: false } });
    expect(first.status).toBe(201);
    expect(first.body.note).toMatchObject({ ticketId: '184206', flags: { detailDescription: false, internalAnalysis: false, resolution: true }, processNotifications: false, member: identifier, alreadyPosted: false });
    const stored = world.sim.data.notes.filter((n) => n.ticketId === 184206 && n.text.includes('FlowPilot ref'));
    expect(stored).toHaveLength(1);
    const note = stored[0]!;
    expect(String(note.id)).toBe(first.body.note.externalId);
    expect(note).toMatchObject({ resolutionFlag: true, internalAnalysisFlag: false, detailDescriptionFlag: false, processNotifications: false });
    expect(world.sim.data.members.find((m) => m.id === note.memberId)?.identifier).toBe(identifier);
    // The edited preview is redacted too, and the marker is the last line.
    expect(note.text).not.toContain('Hunter2!Qb');
    expect(note.text).toMatch(/^Problem\nQuickBooks database server would not start\.\n\nResolution\nReset the service account \(.*\[redacted[^\]]*\].*\) and restarted QuickBooksDB34\.\n\nFlowPilot ref [0-9A-Z]{10}$/);
    expect(note.text.endsWith(`FlowPilot ref ${first.body.note.ref}`)).toBe(true);

    const again = await world.ctx.request('POST', `/v1/sessions/${session.id}/resolution-note/post`, { token: eng.token, body: { text, resolution: true, internal: false } });
    expect(again.status).toBe(200);
    expect(again.body.note).toMatchObject({ externalId: first.body.note.externalId, alreadyPosted: true });
    expect(world.sim.data.notes.filter((n) => n.text.includes('QuickBooks database server'))).toHaveLength(1);

    // Without text, the session's own resolution note (rendered as plain text) is posted.
    const rendered = await world.ctx.request('POST', `/v1/sessions/${session.id}/resolution-note/post`, { token: eng.token, body: {} });
    expect(rendered.status).toBe(201);
    const renderedNote = world.sim.data.notes.find((n) => String(n.id) === rendered.body.note.externalId)!;
    expect(renderedNote.text).toMatch(/PROBLEM/);
    expect(renderedNote.text).not.toMatch(/^#|\*\*/m);

    const detail = await world.ctx.request('GET', `/v1/sessions/${session.id}`, { token: eng.token });
    expect(detail.body.session?.resolutionNote ?? detail.body.resolutionNote).toMatchObject({ externalId: rendered.body.note.externalId });
  });

  it('uses the account defaults (internal note, no email), posts as the API member when unmapped, and escalations internally', async () => {
    const admin = await connectedAccount('defaults');
    const session = await world.ctx.openSession(admin, { externalId: '184209' });
    const res = await world.ctx.request('POST', `/v1/sessions/${session.id}/resolution-note/post`, { token: admin.token, body: { text: 'Suspended BitLocker, recovered with key from Entra ID.' } });
    expect(res.status).toBe(201);
    const note = world.sim.data.notes.find((n) => String(n.id) === res.body.note.externalId)!;
    expect(note).toMatchObject({ internalAnalysisFlag: true, detailDescriptionFlag: false, resolutionFlag: false, processNotifications: false });
    expect(world.sim.data.members.find((m) => m.id === note.memberId)?.identifier).toBe('FlowPilotAPI');

    const discussion = await world.ctx.request('POST', `/v1/sessions/${session.id}/resolution-note/post`, { token: admin.token, body: { text: 'Customer-visible update.', internal: false, notifyCustomer: true, status: 'Waiting on Client' } });
    expect(discussion.status).toBe(201);
    expect(world.sim.data.notes.find((n) => String(n.id) === discussion.body.note.externalId)).toMatchObject({ detailDescriptionFlag: true, processNotifications: true });
    expect(discussion.body.statusChange).toEqual({ ok: true, status: 'Waiting on Client', already: false });
    expect(world.sim.data.tickets.find((t) => t.id === 184209)!.statusId).toBe(533);

    const keyed = { token: admin.token, headers: { 'Idempotency-Key': 'post-184209-a' }, body: { text: 'Posted with an idempotency key.' } };
    const k1 = await world.ctx.request('POST', `/v1/sessions/${session.id}/resolution-note/post`, keyed);
    const k2 = await world.ctx.request('POST', `/v1/sessions/${session.id}/resolution-note/post`, keyed);
    expect(k1.status).toBe(201);
    expect(k2.status).toBe(201);
    expect(k2.headers.get('Idempotent-Replayed')).toBe('true');
    expect(k2.body.note.externalId).toBe(k1.body.note.externalId);
    expect(world.sim.data.notes.filter((n) => n.text.startsWith('Posted with an idempotency key.'))).toHaveLength(1);

    const esc = await world.ctx.request('POST', `/v1/sessions/${session.id}/escalation/post`, { token: admin.token, body: { text: 'Escalating: TPM cleared by BIOS update.' } });
    expect(esc.status).toBe(201);
    expect(esc.body.note.flags).toEqual({ detailDescription: false, internalAnalysis: true, resolution: false });
  });

  it('recovers a post whose reply was lost: the retry finds the note by its marker instead of posting again', async () => {
    const admin = await connectedAccount('lost');
    const session = await world.ctx.openSession(admin, { externalId: '184210' });
    world.sim.faults.dropAfterWrite({ method: 'POST', path: /notes$/ }, 5);
    const res = await world.ctx.request('POST', `/v1/sessions/${session.id}/resolution-note/post`, { token: admin.token, body: { text: 'Enabled SMTP AUTH for the scanner mailbox.' } });
    expect(res.status).toBe(201);
    expect(world.sim.data.notes.filter((n) => n.text.startsWith('Enabled SMTP AUTH'))).toHaveLength(1);
    expect(world.sim.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('refuses other accounts\' sessions, viewers, and concurrent double posts create one note', async () => {
    const admin = await connectedAccount('iso');
    const session = await world.ctx.openSession(admin, { externalId: '184212' });
    const stranger = await connectedAccount('stranger');
    expect((await world.ctx.request('POST', `/v1/sessions/${session.id}/resolution-note/post`, { token: stranger.token, body: { text: 'x' } })).status).toBe(404);
    const viewer = await world.ctx.addUser(admin, 'viewer');
    expect((await world.ctx.request('POST', `/v1/sessions/${session.id}/resolution-note/post`, { token: viewer.token, body: { text: 'x' } })).status).toBe(403);

    world.sim.faults.delay(150, { method: 'POST' });
    const body = { text: 'Quote sent: 5 x OptiPlex 7020.' };
    const results = await Promise.all([1, 2, 3].map(() => world.ctx.request('POST', `/v1/sessions/${session.id}/resolution-note/post`, { token: admin.token, body })));
    // One post creates the note; the others see it in progress (409) or — on a slow machine, when one starts
    // after the first has finished — already posted (200). Never a second note.
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 201).every((s) => s === 409 || s === 200)).toBe(true);
    expect(world.sim.data.notes.filter((n) => n.text.startsWith('Quote sent'))).toHaveLength(1);
    const after = await world.ctx.request('POST', `/v1/sessions/${session.id}/resolution-note/post`, { token: admin.token, body });
    expect(after.status).toBe(200);
  });
});
