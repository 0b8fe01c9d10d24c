// Sessions, facts and fixes: one session per ticket, state_version, concurrency, idempotency.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Registered, type TestContext } from '../test/harness.js';

let t: TestContext;
let a: Registered;
beforeAll(async () => {
  t = await createTestContext();
  a = await t.register('sessions');
});
afterAll(() => t.close());

const version = async (id: string) => (await t.request('GET', `/v1/sessions/${id}`, { token: a.token })).body.session.stateVersion as number;

describe('opening a session for a ticket', () => {
  it('creates one, then answers 200 with the same open session for the same ticket', async () => {
    const ticket = { externalId: '700001', summary: 'Printer offline', company: 'Acme Dental' };
    const first = await t.request('POST', '/v1/sessions', { token: a.token, body: { ticket } });
    expect(first.status).toBe(201);
    expect(first.body.session).toMatchObject({ status: 'active', stateVersion: 0, ticket: { externalId: '700001', summary: 'Printer offline' } });
    const again = await t.request('POST', '/v1/sessions', { token: a.token, body: { ticket } });
    expect(again.status).toBe(200);
    expect(again.body.session.id).toBe(first.body.session.id);
  });

  it('fills in what the first opener could not see yet, and never overwrites what it saw', async () => {
    // The panel read the ticket before ConnectWise had rendered its company and summary.
    const first = await t.request('POST', '/v1/sessions', { token: a.token, body: { ticket: { externalId: '700004', summary: 'Scanner to email fails', company: '' } } });
    expect(first.body.session.ticket.company).toBeNull();
    const later = { externalId: '700004', summary: 'Scan to email', company: 'Fabrikam Manufacturing', contact: 'Dana Whitfield' };
    const again = await t.request('POST', '/v1/sessions', { token: a.token, body: { ticket: later } });
    expect(again.status).toBe(200);
    expect(again.body.session.ticket).toMatchObject({ summary: 'Scanner to email fails', company: 'Fabrikam Manufacturing', contact: 'Dana Whitfield' });
    const read = await t.request('GET', `/v1/sessions/${first.body.session.id}`, { token: a.token });
    expect(read.body.session.ticket.company).toBe('Fabrikam Manufacturing');
  });

  it('takes the fields the page shows later through PATCH, filling blanks only, and refuses bad ones', async () => {
    const s = await t.openSession(a, { externalId: '700005', summary: 'Laptop will not dock', company: '' });
    const patched = await t.request('PATCH', `/v1/sessions/${s.id}`, { token: a.token, body: { ticket: { company: 'Contoso', summary: 'Other words' } } });
    expect(patched.status).toBe(200);
    expect(patched.body.session.ticket).toMatchObject({ externalId: '700005', summary: 'Laptop will not dock', company: 'Contoso' });
    const bad = await t.request('PATCH', `/v1/sessions/${s.id}`, { token: a.token, body: { ticket: { company: 'x'.repeat(301) } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_input');
    expect((await t.request('GET', `/v1/sessions/${s.id}`, { token: a.token })).body.session.ticket.company).toBe('Contoso');
  });

  it('gives concurrent opens on one ticket a single session', async () => {
    const ticket = { externalId: '700002', summary: 'VPN will not connect' };
    const results = await Promise.all(Array.from({ length: 8 }, () => t.request('POST', '/v1/sessions', { token: a.token, body: { ticket } })));
    expect(new Set(results.map((r) => r.body.session.id)).size).toBe(1);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
  });

  it('lists sessions by ticket', async () => {
    const s = await t.openSession(a, { externalId: '700003' });
    const list = await t.request('GET', '/v1/sessions?ticket=700003', { token: a.token });
    expect(list.body.sessions.map((x: { id: string }) => x.id)).toEqual([s.id]);
  });
});

describe('state_version', () => {
  it('rises by one for each note-changing write and not for reads', async () => {
    const s = await t.openSession(a);
    const id = s.id as string;
    expect(await version(id)).toBe(0);
    const fact = await t.request('POST', `/v1/sessions/${id}/facts`, { token: a.token, body: { text: 'Error 0x800CCC0E', sourceRef: 'ticket' } });
    expect(fact.status).toBe(201);
    expect(fact.body.stateVersion).toBe(1);
    await t.request('GET', `/v1/sessions/${id}`, { token: a.token });
    await t.request('GET', `/v1/sessions/${id}/facts`, { token: a.token });
    await t.request('GET', `/v1/sessions/${id}/fixes/active`, { token: a.token });
    expect(await version(id)).toBe(1);
    await t.request('PATCH', `/v1/sessions/${id}/facts/${fact.body.fact.id}`, { token: a.token, body: { text: 'Error 0x800CCC0E on send' } });
    expect(await version(id)).toBe(2);
    const ev = await t.request('POST', `/v1/sessions/${id}/events`, { token: a.token, body: { kind: 'command', text: 'ipconfig /flushdns' } });
    expect(ev.status).toBe(201);
    expect(await version(id)).toBe(3);
    const fix = await t.request('POST', `/v1/sessions/${id}/fixes`, { token: a.token, body: { title: 'Recreate the Outlook profile' } });
    expect(await version(id)).toBe(4);
    await t.request('POST', `/v1/sessions/${id}/fixes/${fix.body.fix.id}/accept`, { token: a.token });
    expect(await version(id)).toBe(5);
    await t.request('DELETE', `/v1/sessions/${id}/facts/${fact.body.fact.id}`, { token: a.token });
    expect(await version(id)).toBe(6);
    // A refused write changes nothing.
    const bad = await t.request('POST', `/v1/sessions/${id}/facts`, { token: a.token, body: { text: 'x', sourceRef: 'lane:li_000000000000' } });
    expect(bad.status).toBe(422);
    expect(await version(id)).toBe(6);
  });
});

describe('facts', () => {
  it('keeps deleted facts (soft delete) but hides them', async () => {
    const s = await t.openSession(a);
    const f = await t.request('POST', `/v1/sessions/${s.id}/facts`, { token: a.token, body: { text: 'Mailbox is 49.5 GB of 50 GB' } });
    await t.request('DELETE', `/v1/sessions/${s.id}/facts/${f.body.fact.id}`, { token: a.token });
    const list = await t.request('GET', `/v1/sessions/${s.id}/facts`, { token: a.token });
    expect(list.body.facts).toEqual([]);
    const [row] = await t.owner`select deleted_at from session_facts where id = ${f.body.fact.id}`;
    expect(row!.deleted_at).toBeInstanceOf(Date);
    expect((await t.request('DELETE', `/v1/sessions/${s.id}/facts/${f.body.fact.id}`, { token: a.token })).status).toBe(404);
  });

  it('accepts a source on the timeline and refuses one that is not there', async () => {
    const s = await t.openSession(a);
    const ev = await t.request('POST', `/v1/sessions/${s.id}/events`, { token: a.token, body: { kind: 'observation', text: 'Ping to 10.0.0.1 times out' } });
    const ok = await t.request('POST', `/v1/sessions/${s.id}/facts`, {
      token: a.token,
      body: { text: 'Gateway unreachable', sourceRef: `lane:${ev.body.item.id}` },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.fact.sourceRef).toBe(`lane:${ev.body.item.id}`);
    const bad = await t.request('POST', `/v1/sessions/${s.id}/facts`, { token: a.token, body: { text: 'x', sourceRef: 'somewhere' } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('bad_source_ref');
    const gone = await t.request('POST', `/v1/sessions/${s.id}/facts`, { token: a.token, body: { text: 'y', sourceRef: 'lane:li_000000000000' } });
    expect(gone.status).toBe(422);
    // A refused fact leaves nothing behind: no row, and the note's version did not move.
    const after = await t.request('GET', `/v1/sessions/${s.id}`, { token: a.token });
    expect(after.body.session.facts.map((f: { text: string }) => f.text)).toEqual(['Gateway unreachable']);
    expect(after.body.session.stateVersion).toBe(ok.body.stateVersion);
  });
});

describe('suggested fixes', () => {
  it('leaves exactly one active fix after 20 concurrent proposals', async () => {
    const s = await t.openSession(a);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.request('POST', `/v1/sessions/${s.id}/fixes`, { token: a.token, body: { title: `Fix ${i}`, confidence: 0.5 } }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    const [active] = await t.owner`select count(*)::int as n from session_suggested_fixes where session_id = ${s.id} and superseded_at is null`;
    expect(active!.n).toBe(1);
    const [all] = await t.owner`select count(*)::int as n from session_suggested_fixes where session_id = ${s.id}`;
    expect(all!.n).toBe(20);
    expect(await version(s.id)).toBe(20);
  });

  it('supersedes the active fix; deciding on a superseded one is a 409', async () => {
    const s = await t.openSession(a);
    const one = await t.request('POST', `/v1/sessions/${s.id}/fixes`, { token: a.token, body: { title: 'Clear the print spooler' } });
    const two = await t.request('POST', `/v1/sessions/${s.id}/fixes`, { token: a.token, body: { title: 'Reinstall the printer driver' } });
    const active = await t.request('GET', `/v1/sessions/${s.id}/fixes/active`, { token: a.token });
    expect(active.body.fix.id).toBe(two.body.fix.id);
    const dismissOld = await t.request('POST', `/v1/sessions/${s.id}/fixes/${one.body.fix.id}/decision`, { token: a.token, body: { decision: 'dismissed' } });
    expect(dismissOld.status).toBe(409);
    const reject = await t.request('POST', `/v1/sessions/${s.id}/fixes/${two.body.fix.id}/reject`, { token: a.token });
    expect(reject.body.fix).toMatchObject({ decision: 'dismissed', accepted: false });
  });

  it('turns a "save as draft template" decision into a pending draft with provenance', async () => {
    const s = await t.openSession(a, { externalId: '700099' });
    const fix = await t.request('POST', `/v1/sessions/${s.id}/fixes`, {
      token: a.token,
      body: { title: 'Restart spooler', body: 'Restart-Service -Name Spooler -Force' },
    });
    const res = await t.request('POST', `/v1/sessions/${s.id}/fixes/${fix.body.fix.id}/decision`, { token: a.token, body: { decision: 'draft_template' } });
    expect(res.status).toBe(200);
    const drafts = await t.owner`select status, body, source_ticket_ref, source_user_id from draft_templates where session_id = ${s.id}`;
    expect(drafts).toEqual([{ status: 'pending', body: 'Restart-Service -Name Spooler -Force', source_ticket_ref: 'connectwise#700099', source_user_id: a.userId }]);
  });
});

describe('Idempotency-Key', () => {
  it('returns the first result for a repeated key instead of creating a second row', async () => {
    const s = await t.openSession(a);
    const send = () =>
      t.request('POST', `/v1/sessions/${s.id}/facts`, { token: a.token, headers: { 'Idempotency-Key': `fact-${s.id}` }, body: { text: 'User is jdoe' } });
    const [one, two] = await Promise.all([send(), send()]);
    const third = await send();
    expect(one.status).toBe(201);
    expect(two.status).toBe(201);
    expect(third.body.fact.id).toBe(one.body.fact.id);
    expect(two.body.fact.id).toBe(one.body.fact.id);
    const [n] = await t.owner`select count(*)::int as n from session_facts where session_id = ${s.id}`;
    expect(n!.n).toBe(1);
    expect(await version(s.id)).toBe(1);
    const different = await t.request('POST', `/v1/sessions/${s.id}/facts`, {
      token: a.token,
      headers: { 'Idempotency-Key': `fact-${s.id}` },
      body: { text: 'Something else' },
    });
    expect(different.status).toBe(422);
  });

  it('does not keep the key when the request failed, so a corrected retry works', async () => {
    const s = await t.openSession(a);
    const key = { 'Idempotency-Key': `retry-${s.id}` };
    const bad = await t.request('POST', `/v1/sessions/${s.id}/facts`, { token: a.token, headers: key, body: { text: 'x', sourceRef: 'nowhere' } });
    expect(bad.status).toBe(422);
    const good = await t.request('POST', `/v1/sessions/${s.id}/facts`, { token: a.token, headers: key, body: { text: 'x', sourceRef: 'ticket' } });
    expect(good.status).toBe(201);
  });
});

describe('settings', () => {
  it('reads defaults without a row, and merges a partial write over them', async () => {
    const b = await t.register('settings');
    const first = await t.request('GET', '/v1/settings', { token: b.token });
    expect(first.body.settings.noteFormat).toBe('text');
    const [none] = await t.owner`select count(*)::int as n from account_settings where account_id = ${b.accountId}`;
    expect(none!.n).toBe(0);
    const put = await t.request('PUT', '/v1/settings', { token: b.token, body: { redaction: { words: ['ACME-VAULT'] } } });
    expect(put.status).toBe(200);
    expect(put.body.settings.redaction).toEqual({ patterns: [], words: ['ACME-VAULT'] });
    expect(put.body.settings.noteDefaults.internal).toBe(true);
    const bad = await t.request('PUT', '/v1/settings', { token: b.token, body: { redaction: { patterns: ['(unclosed'] } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('redaction.patterns.0');
  });
});
