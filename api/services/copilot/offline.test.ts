// The offline copilot: the right starter flow first for real ticket summaries, facts by rules with
// their source, a fix from the most similar resolved session with its reason, and determinism.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Registered, type TestContext } from '../../test/harness.js';
import { offlineSuggest } from './offline.js';

let t: TestContext;
let admin: Registered;

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.register('copilot');
});
afterAll(() => t.close());

const suggest = (sessionId: string, who: Registered = admin) => t.db.tenant({ accountId: who.accountId }, (tx) => offlineSuggest(tx, sessionId));

const OUTLOOK = 'Outlook keeps asking for a password or will not open';
const VPN = 'VPN will not connect or keeps dropping';
const PRINTER = 'Printer offline or print jobs stuck';
const LOCKOUT = 'Account lockout and password reset';
const SLOW = 'Slow computer';
const DNS = 'Cannot reach a website or internal site (DNS)';
const MFA = 'Microsoft 365 MFA problems';
const DRIVE = 'Mapped network drive missing or disconnected';
const ONBOARDING = 'New user onboarding';
const PATCHING = 'Monthly patching (servers and workstations)';
const DISK = 'Low disk space alert';
const BACKUP = 'Backup job failed (VSS errors)';
const SHARED = 'Shared mailbox missing from Outlook';

/** Ticket summaries as they arrive on real boards, and the flow an engineer would pick. */
const TICKETS: [summary: string, flow: string][] = [
  ['Outlook keeps prompting for password after Microsoft 365 migration', OUTLOOK],
  ['Outlook crashes on startup since this morning', OUTLOOK],
  ['VPN drops every 10 minutes for remote staff', VPN],
  ['Cannot connect to the VPN from home', VPN],
  ['Printer in exam room 3 prints blank pages', PRINTER],
  ['Print jobs stuck in the queue at reception', PRINTER],
  ['User locked out repeatedly - possible stale credentials on phone', LOCKOUT],
  ['Forgot password, please reset for new login', LOCKOUT],
  ['Laptop very slow and freezing since last week', SLOW],
  ['Cannot open our website - ERR_NAME_NOT_RESOLVED', DNS],
  ['New phone, Authenticator app MFA not working', MFA],
  ['Not receiving multi-factor verification codes', MFA],
  ['S: mapped drive missing after login', DRIVE],
  ['Network drive shows red X, cannot open file share', DRIVE],
  ['New hire onboarding - Dana Whitfield (start Monday)', ONBOARDING],
  ['Monthly patching - Patch Tuesday for servers', PATCHING],
  ['[126585259] Disk alert: C: below 5% on NW-SQL01', DISK],
  ['Backup job failed: NW-FS01 nightly (VSS error)', BACKUP],
  ['Shared mailbox "billing@" missing from Outlook', SHARED],
];

describe('flows for a ticket without a flow', () => {
  it.each(TICKETS)('"%s" → %s', async (summary, expected) => {
    const session = await t.openSession(admin, { summary, description: null });
    const s = await suggest(session.id);
    expect(s.flows?.[0]?.title).toBe(expected);
    expect(s.flows!.length).toBeLessThanOrEqual(3);
    expect(s.flows![0]!.why).toMatch(/match/);
    expect(s).toMatchObject({ tier: 'offline', model: null, nextStep: null });
  });

  it('matches on the description when there is no summary, and says nothing for an empty ticket', async () => {
    const described = await t.openSession(admin, { summary: null, description: 'The toner light is on and print jobs stay in the queue' });
    expect((await suggest(described.id)).flows?.[0]?.title).toBe(PRINTER);
    const empty = await t.openSession(admin, { summary: null, description: null });
    const s = await suggest(empty.id);
    expect(s.flows).toEqual([]);
    expect(s.band).toBe('discovery');
  });

  it('takes an extra redaction step from the AI layer', async () => {
    const session = await t.openSession(admin, { summary: 'VPN fails on host FAB-LT042' });
    const s = await t.db.tenant({ accountId: admin.accountId }, (tx) => offlineSuggest(tx, session.id, { redact: (x) => x.replace(/FAB-LT\d+/g, '[host]') }));
    expect(JSON.stringify(s)).not.toContain('FAB-LT042');
  });

  it('has at least fifteen summaries', () => expect(TICKETS.length).toBeGreaterThanOrEqual(15));
});

describe('the current step and facts by rules', () => {
  it("offers the current node's options once a flow is chosen", async () => {
    const session = await t.openSession(admin, { summary: 'VPN drops every 10 minutes' });
    const vpn = (await t.request('GET', '/v1/flows?q=vpn', { token: admin.token })).body.flows[0];
    await t.request('PATCH', `/v1/sessions/${session.id}`, { token: admin.token, body: { flowId: vpn.id } });
    const s = await suggest(session.id);
    expect(s.flows).toEqual([]);
    expect(s.nextStep).toMatchObject({ nodeId: 'symptom', options: [{ id: 'fails', label: 'It never connects' }, { id: 'drops', label: 'It connects, then drops' }] });
    expect(s.band).toBe('exploring');
  });

  it('proposes error codes, hosts, IPs, users, versions and times, each with its source', async () => {
    const session = await t.openSession(admin, {
      summary: 'Error 0x800CCC0E sending mail from NW-SQL01',
      description: 'Since the update user FAB\\dana cannot send. Server mail.fabrikam.com (10.20.30.40) runs version 16.0.17928.20114. Happens every 10 minutes. Her password is Winter2026!x',
    });
    const obs = await t.request('POST', `/v1/sessions/${session.id}/events`, { token: admin.token, body: { kind: 'observation', text: 'Event ID 4740 on DC01 at 09:41' } });
    const s = await suggest(session.id);
    const texts = s.facts.map((f) => f.text);
    expect(texts).toEqual(
      expect.arrayContaining([
        'Error code 0x800CCC0E',
        'Host NW-SQL01',
        'User FAB\\dana',
        'Host mail.fabrikam.com',
        'IP address 10.20.30.40',
        'Version 16.0.17928.20114',
        'Happens every 10 minutes',
      ]),
    );
    expect(s.facts.find((f) => f.text === 'Error code 0x800CCC0E')).toMatchObject({ sourceRef: 'ticket' });
    expect(JSON.stringify(s)).not.toContain('Winter2026');

    const more = await t.db.tenant({ accountId: admin.accountId }, (tx) => offlineSuggest(tx, session.id, { maxFacts: 20 }));
    expect(more.facts).toContainEqual(expect.objectContaining({ text: 'Event ID 4740', sourceRef: `lane:${obs.body.item.id}` }));
    expect(more.facts).toContainEqual(expect.objectContaining({ text: 'Time noted: 09:41', sourceRef: `lane:${obs.body.item.id}` }));
    // A proposed fact the engineer recorded is not proposed again.
    await t.request('POST', `/v1/sessions/${session.id}/facts`, { token: admin.token, body: { text: 'Error code 0x800CCC0E on every send', sourceRef: 'ticket' } });
    expect((await suggest(session.id)).facts.map((f) => f.text)).not.toContain('Error code 0x800CCC0E');
  });
});

describe('a fix from similar resolved sessions', () => {
  it('proposes what fixed the ticket with the same error, and says so; deterministic', async () => {
    const old = await t.openSession(admin, { summary: 'Outlook send fails with 0x800CCC0E', description: 'Cannot send mail, error 0x800CCC0E' });
    const fix = await t.request('POST', `/v1/sessions/${old.id}/fixes`, { token: admin.token, body: { title: 'Changed SMTP port to 587 with STARTTLS', body: 'Account settings > More settings > Advanced: outgoing 587, TLS.' } });
    await t.request('POST', `/v1/sessions/${old.id}/fixes/${fix.body.fix.id}/accept`, { token: admin.token });
    await t.request('POST', `/v1/sessions/${old.id}/resolve`, { token: admin.token, body: {} });

    const unrelated = await t.openSession(admin, { summary: 'Outlook send fails after password change' });
    const fix2 = await t.request('POST', `/v1/sessions/${unrelated.id}/fixes`, { token: admin.token, body: { title: 'Re-entered the password in Outlook' } });
    await t.request('POST', `/v1/sessions/${unrelated.id}/fixes/${fix2.body.fix.id}/accept`, { token: admin.token });
    await t.request('POST', `/v1/sessions/${unrelated.id}/resolve`, { token: admin.token, body: {} });

    const now = await t.openSession(admin, { summary: 'Mail stuck in outbox', description: 'Outlook shows 0x800CCC0E when sending' });
    const s = await suggest(now.id);
    expect(s.fix).toMatchObject({ title: 'Changed SMTP port to 587 with STARTTLS', confidence: 0.85 });
    expect(s.fix!.why).toBe(`Because ticket #${old.ticket.externalId} ("Outlook send fails with 0x800CCC0E") with the same error (0x800ccc0e) was fixed by: Changed SMTP port to 587 with STARTTLS.`);
    expect(s.band).toBe('guided');
    expect(s.rationale).toContain(`ticket #${old.ticket.externalId}`);
    expect(await suggest(now.id)).toEqual(s);
  });

  it('proposes the solution the flow reached', async () => {
    const session = await t.openSession(admin, { summary: 'Print queue stuck' });
    const printer = (await t.request('GET', '/v1/flows?q=printer', { token: admin.token })).body.flows[0];
    await t.request('PATCH', `/v1/sessions/${session.id}`, { token: admin.token, body: { flowId: printer.id } });
    for (const [nodeId, optionId] of [['scope', 'one'], ['user_pc', 'stuck'], ['spooler', 'fixed']]) {
      expect((await t.request('POST', `/v1/sessions/${session.id}/steps`, { token: admin.token, body: { nodeId, optionId } })).status).toBe(201);
    }
    const s = await suggest(session.id);
    expect(s.fix).toMatchObject({ title: 'Queue cleared and spooler restarted', confidence: 0.8 });
    expect(s.nextStep?.nodeId).toBe('sol_spooler');
  });

  it("never looks into another account's sessions", async () => {
    const stranger = await t.register('stranger');
    const session = await t.openSession(stranger, { summary: 'Outlook shows 0x800CCC0E when sending' });
    const s = await suggest(session.id, stranger);
    expect(s.fix).toBeNull();
    await expect(suggest(session.id, admin)).rejects.toMatchObject({ status: 404 });
  });
});
