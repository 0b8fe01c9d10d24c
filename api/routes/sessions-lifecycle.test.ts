// Session lifecycle over HTTP: pause/resume/abandon, choosing a flow, resolve → drafts → approve →
// script template with provenance, the pending badge, use counts, and escalation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Registered, type TestContext } from '../test/harness.js';

let t: TestContext;
let admin: Registered;
let engineer: Registered;

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.register('life');
  engineer = await t.addUser(admin, 'engineer');
});
afterAll(() => t.close());

const flowId = async (q: string) => (await t.request('GET', `/v1/flows?q=${encodeURIComponent(q)}`, { token: admin.token })).body.flows[0].id as string;

describe('status transitions', () => {
  it('active ⇄ paused → abandoned, each bumping state_version, and nothing after', async () => {
    const s = await t.openSession(engineer);
    const paused = await t.request('PATCH', `/v1/sessions/${s.id}`, { token: engineer.token, body: { status: 'paused' } });
    expect(paused.status).toBe(200);
    expect(paused.body.session.status).toBe('paused');
    expect(paused.body.session.stateVersion).toBe(s.stateVersion + 1);
    expect((await t.request('PATCH', `/v1/sessions/${s.id}`, { token: engineer.token, body: { status: 'paused' } })).status).toBe(409);
    const resumed = await t.request('PATCH', `/v1/sessions/${s.id}`, { token: engineer.token, body: { status: 'active' } });
    expect(resumed.body.session.status).toBe('active');
    const abandoned = await t.request('PATCH', `/v1/sessions/${s.id}`, { token: engineer.token, body: { status: 'abandoned' } });
    expect(abandoned.body.session.status).toBe('abandoned');
    expect(abandoned.body.session.endedAt).not.toBeNull();
    expect(abandoned.body.session.lane.map((i: { kind: string; status?: string }) => i.status)).toEqual(['paused', 'active', 'abandoned']);

    const after = await t.request('PATCH', `/v1/sessions/${s.id}`, { token: engineer.token, body: { status: 'active' } });
    expect(after.status).toBe(409);
    expect((await t.request('POST', `/v1/sessions/${s.id}/events`, { token: engineer.token, body: { kind: 'note', text: 'late' } })).status).toBe(409);
    const lateFact = await t.request('POST', `/v1/sessions/${s.id}/facts`, { token: engineer.token, body: { text: 'late fact' } });
    expect(lateFact.status).toBe(409);
    expect(lateFact.body.error.code).toBe('session_closed');
    expect((await t.request('POST', `/v1/sessions/${s.id}/resolve`, { token: engineer.token, body: {} })).status).toBe(409);
    // A new session can open on the same ticket now.
    const reopened = await t.request('POST', '/v1/sessions', { token: engineer.token, body: { ticket: { externalId: s.ticket.externalId } } });
    expect(reopened.status).toBe(201);
  });

  it('validates the body and hides other accounts', async () => {
    const s = await t.openSession(engineer);
    expect((await t.request('PATCH', `/v1/sessions/${s.id}`, { token: engineer.token, body: { status: 'resolved' } })).status).toBe(400);
    expect((await t.request('PATCH', `/v1/sessions/${s.id}`, { token: engineer.token, body: {} })).status).toBe(400);
    const stranger = await t.register('other');
    for (const [method, path, body] of [
      ['PATCH', `/v1/sessions/${s.id}`, { status: 'paused' }],
      ['POST', `/v1/sessions/${s.id}/resolve`, {}],
      ['POST', `/v1/sessions/${s.id}/escalate`, { reason: 'x' }],
      ['GET', `/v1/sessions/${s.id}/escalation-package`, undefined],
    ] as const) {
      const res = await t.request(method, path, { token: stranger.token, body });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
  });

  it('choosing and changing the flow snapshots the graph and restarts the walk', async () => {
    const s = await t.openSession(engineer);
    const vpn = await t.request('PATCH', `/v1/sessions/${s.id}`, { token: engineer.token, body: { flowId: await flowId('vpn') } });
    expect(vpn.body.session.currentNode.title).toBe('Does the VPN fail to connect, or connect and then drop?');
    await t.request('POST', `/v1/sessions/${s.id}/steps`, { token: engineer.token, body: { nodeId: 'symptom', optionId: 'drops' } });
    const dns = await t.request('PATCH', `/v1/sessions/${s.id}`, { token: engineer.token, body: { flowId: await flowId('dns') } });
    expect(dns.body.session.currentNodeId).toBe('scope');
    expect(dns.body.session.lane.filter((i: { kind: string }) => i.kind === 'step')).toHaveLength(1);
    const none = await t.request('PATCH', `/v1/sessions/${s.id}`, { token: engineer.token, body: { flowId: null } });
    expect(none.body.session.flowId).toBeNull();
    expect((await t.request('PATCH', `/v1/sessions/${s.id}`, { token: engineer.token, body: { flowId: '00000000-0000-4000-8000-000000000000' } })).status).toBe(404);
  });
});

describe('resolve and the script library', () => {
  it('resolve → drafts with provenance → approve → template; the badge counts; use counts rise', async () => {
    const before = (await t.request('GET', '/v1/draft-templates?status=pending', { token: admin.token })).body.pendingCount;
    const s = await t.openSession(engineer, { summary: 'Print jobs stuck at reception' });
    const cmds = [
      'Get-PrintJob -ComputerName PRN01 -PrinterName "Reception"',
      'Stop-Service Spooler -Force; Start-Service Spooler',
      'net user reception Rec3ption!2026 /domain',
      'Get-PrintJob -ComputerName PRN01 -PrinterName "Reception"',
    ];
    for (const text of cmds) await t.request('POST', `/v1/sessions/${s.id}/events`, { token: engineer.token, body: { kind: 'command', text } });

    const resolved = await t.request('POST', `/v1/sessions/${s.id}/resolve`, { token: engineer.token, body: { rootCause: 'A stuck job blocked the spooler' } });
    expect(resolved.status).toBe(200);
    expect(resolved.body.session.status).toBe('resolved');
    expect(resolved.body.session.rootCause).toBe('A stuck job blocked the spooler');
    expect(resolved.body.drafts).toHaveLength(3); // the repeated command is drafted once
    const drafts = resolved.body.drafts;
    expect(drafts[0]).toMatchObject({ status: 'pending', language: 'powershell', provenance: { sessionId: s.id, userId: engineer.userId, ticketRef: `connectwise#${s.ticket.externalId}` } });
    expect(drafts[2].body).toBe('net user reception <password> /domain');
    expect(resolved.body.note.text).toContain('### Root cause');
    const [stored] = await t.owner`select resolution_note_markdown from ai_sessions where id = ${s.id}`;
    expect(stored!.resolution_note_markdown).toContain('A stuck job blocked the spooler');
    expect(stored!.resolution_note_markdown).not.toContain('Rec3ption!2026');

    const pending = await t.request('GET', '/v1/draft-templates?status=pending', { token: admin.token });
    expect(pending.body.pendingCount).toBe(before + 3);
    expect(pending.body.drafts[0].provenance.userName).toBe('engineer');

    const approved = await t.request('POST', `/v1/draft-templates/${drafts[1].id}/approve`, { token: admin.token, body: { name: 'Restart the print spooler', tags: ['Printing'] } });
    expect(approved.status).toBe(201);
    expect(approved.body.template).toMatchObject({
      name: 'Restart the print spooler',
      body: 'Stop-Service Spooler -Force; Start-Service Spooler',
      tags: ['printing'],
      useCount: 0,
      provenance: { sessionId: s.id, userId: engineer.userId, userName: 'engineer', ticketRef: `connectwise#${s.ticket.externalId}` },
    });
    expect((await t.request('POST', `/v1/draft-templates/${drafts[1].id}/approve`, { token: admin.token, body: {} })).status).toBe(409);
    expect((await t.request('POST', `/v1/draft-templates/${drafts[2].id}/dismiss`, { token: engineer.token })).status).toBe(200);
    expect((await t.request('GET', '/v1/draft-templates', { token: admin.token })).body.pendingCount).toBe(before + 1);

    // Used from the library on a new ticket: the count rises and the session records it as a command.
    const templateId = approved.body.template.id;
    const next = await t.openSession(engineer, { summary: 'Printer stuck again' });
    const used = await t.request('POST', `/v1/script-templates/${templateId}/use`, { token: engineer.token, body: { sessionId: next.id } });
    expect(used.status).toBe(200);
    expect(used.body.template.useCount).toBe(1);
    const lane = (await t.request('GET', `/v1/sessions/${next.id}`, { token: engineer.token })).body.session.lane;
    expect(lane[0]).toMatchObject({ kind: 'command', templateId, text: 'Stop-Service Spooler -Force; Start-Service Spooler' });
    // Running the same script by hand on another session and resolving counts as another use, not a new draft.
    const third = await t.openSession(engineer, { summary: 'Spooler hung' });
    await t.request('POST', `/v1/sessions/${third.id}/events`, { token: engineer.token, body: { kind: 'command', text: 'Stop-Service Spooler -Force; Start-Service Spooler' } });
    const resolvedThird = await t.request('POST', `/v1/sessions/${third.id}/resolve`, { token: engineer.token, body: {} });
    expect(resolvedThird.body.drafts).toEqual([]);
    expect(resolvedThird.body.reusedTemplateIds).toEqual([templateId]);
    const list = await t.request('GET', '/v1/script-templates', { token: engineer.token });
    expect(list.body.templates.find((x: { id: string }) => x.id === templateId).useCount).toBe(2);
  });

  it("drafts and templates of another account are 404s; viewers cannot approve", async () => {
    const stranger = await t.register('stranger2');
    const draft = (await t.request('GET', '/v1/draft-templates', { token: admin.token })).body.drafts[0];
    expect((await t.request('POST', `/v1/draft-templates/${draft.id}/approve`, { token: stranger.token, body: {} })).status).toBe(404);
    expect((await t.request('GET', '/v1/draft-templates', { token: stranger.token })).body).toEqual({ drafts: [], pendingCount: 0 });
    const viewer = await t.addUser(admin, 'viewer');
    expect((await t.request('POST', `/v1/draft-templates/${draft.id}/approve`, { token: viewer.token, body: {} })).status).toBe(403);
    const template = (await t.request('GET', '/v1/script-templates', { token: admin.token })).body.templates[0];
    expect((await t.request('POST', `/v1/script-templates/${template.id}/use`, { token: stranger.token, body: {} })).status).toBe(404);
  });
});

describe('escalation', () => {
  it('escalates with a reason, returns the package and closes the session', async () => {
    const s = await t.openSession(engineer, { summary: 'VPN drops every 10 minutes for remote staff', contact: 'Mia Chen' });
    await t.request('PATCH', `/v1/sessions/${s.id}`, { token: engineer.token, body: { flowId: await flowId('vpn') } });
    await t.request('POST', `/v1/sessions/${s.id}/steps`, { token: engineer.token, body: { nodeId: 'symptom', optionId: 'drops' } });
    await t.request('POST', `/v1/sessions/${s.id}/steps`, { token: engineer.token, body: { nodeId: 'drop_pattern', optionId: 'random' } });
    await t.request('POST', `/v1/sessions/${s.id}/steps`, { token: engineer.token, body: { nodeId: 'mtu', optionId: 'fine' } });
    await t.request('POST', `/v1/sessions/${s.id}/facts`, { token: engineer.token, body: { text: 'Happens on three home networks' } });
    expect((await t.request('POST', `/v1/sessions/${s.id}/escalate`, { token: engineer.token, body: {} })).status).toBe(400);

    const res = await t.request('POST', `/v1/sessions/${s.id}/escalate`, { token: engineer.token, body: { reason: 'Needs firewall logs from the network team' } });
    expect(res.status).toBe(200);
    expect(res.body.session.status).toBe('escalated');
    expect(res.body.session.escalation.reason).toBe('Needs firewall logs from the network team');
    const md: string = res.body.package.text;
    const order = ['### Problem', '### Why it is escalated', '### What we know', '### What was tried', '### Suspected cause', '### Suggested next steps'].map((h) => md.indexOf(h));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(md).toContain('Happens on three home networks');
    expect(md).toContain('Check for MTU and fragmentation problems');
    expect(md).toContain('*Large packets pass*');
    expect(md).toContain('Pass on the gateway address'); // the flow's escalation advice
    expect(md).toContain('Mia Chen');

    const text = await t.request('GET', `/v1/sessions/${s.id}/escalation-package?format=text`, { token: engineer.token });
    expect(text.body.note.text).toContain('WHAT WAS TRIED');
    expect((await t.request('POST', `/v1/sessions/${s.id}/escalate`, { token: engineer.token, body: { reason: 'again' } })).status).toBe(409);
  });
});

describe('a maintenance run against several targets', () => {
  it('records each target\'s result on the step and lists them in the note', async () => {
    const s = await t.openSession(engineer, { summary: 'November patching - Northwind servers' });
    const patching = (await t.request('GET', '/v1/flows?kind=maintenance', { token: engineer.token })).body.flows[0];
    await t.request('PATCH', `/v1/sessions/${s.id}`, { token: engineer.token, body: { flowId: patching.id } });
    await t.request('POST', `/v1/sessions/${s.id}/steps`, { token: engineer.token, body: { nodeId: 'review', optionId: 'done' } });
    const backups = await t.request('POST', `/v1/sessions/${s.id}/steps`, {
      token: engineer.token,
      body: {
        nodeId: 'backups',
        optionId: 'failed',
        targets: [
          { name: 'NW-DC01', result: 'done' },
          { name: 'NW-SQL01', result: 'failed', note: 'VSS writer timed out' },
          { name: 'NW-FS01', result: 'skipped' },
        ],
      },
    });
    expect(backups.status).toBe(201);
    expect(backups.body.item.targets).toHaveLength(3);
    const text: string = (await t.request('GET', `/v1/sessions/${s.id}/resolution-note?format=text`, { token: engineer.token })).body.note.text;
    expect(text).toContain("Checked: Confirm last night's backups for every server in scope → A backup failed");
    expect(text).toContain('Targets: NW-DC01 done; NW-SQL01 failed (VSS writer timed out); NW-FS01 skipped');
    const bad = await t.request('POST', `/v1/sessions/${s.id}/steps`, { token: engineer.token, body: { nodeId: 'fix_backup', optionId: 'done', targets: [{ name: 'X', result: 'meh' }] } });
    expect(bad.status).toBe(400);
  });
});
