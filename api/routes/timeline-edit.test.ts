// Editing and deleting the engineer's own timeline entries, on the real database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../test/harness.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx?.close();
});

describe('PATCH|DELETE /v1/sessions/:id/events/:itemId', () => {
  it('lets the author and team admins correct or remove notes, commands and observations, and nobody else', async () => {
    const admin = await ctx.register('timeline');
    const eng = await ctx.addUser(admin, 'engineer');
    const other = await ctx.addUser(admin, 'engineer');
    const viewer = await ctx.addUser(admin, 'viewer');
    const s = await ctx.openSession(eng);
    const obs = await ctx.request('POST', `/v1/sessions/${s.id}/events`, { token: eng.token, body: { kind: 'observation', text: 'Webmail works, Outlook prompts evry 5 min' } });
    const path = `/v1/sessions/${s.id}/events/${obs.body.item.id}`;

    const edited = await ctx.request('PATCH', path, { token: eng.token, body: { text: 'Webmail works; Outlook prompts every 5 minutes' } });
    expect(edited.status).toBe(200);
    expect(edited.body.item).toMatchObject({ id: obs.body.item.id, kind: 'observation', text: 'Webmail works; Outlook prompts every 5 minutes', editedBy: eng.userId, editedAt: expect.any(String) });
    expect(edited.body.stateVersion).toBeGreaterThan(obs.body.stateVersion);
    const note = await ctx.request('GET', `/v1/sessions/${s.id}/resolution-note?format=text`, { token: eng.token });
    expect(note.body.note.text).toContain('Outlook prompts every 5 minutes');
    expect(note.body.note.text).not.toContain('evry');

    expect((await ctx.request('PATCH', path, { token: other.token, body: { text: 'not mine' } })).status).toBe(403);
    expect((await ctx.request('DELETE', path, { token: other.token })).status).toBe(403);
    expect((await ctx.request('PATCH', path, { token: viewer.token, body: { text: 'viewer' } })).status).toBe(403);
    expect((await ctx.request('PATCH', path, { token: admin.token, body: { text: 'Webmail works; Outlook prompts every 5 minutes (confirmed)' } })).status).toBe(200);

    // A fact from the entry keeps it: remove the fact first.
    const fact = await ctx.request('POST', `/v1/sessions/${s.id}/facts`, { token: eng.token, body: { text: 'Prompts every 5 minutes', sourceRef: `lane:${obs.body.item.id}` } });
    const blocked = await ctx.request('DELETE', path, { token: eng.token });
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.code).toBe('item_has_facts');
    expect((await ctx.request('DELETE', `/v1/sessions/${s.id}/facts/${fact.body.fact.id}`, { token: eng.token })).status).toBe(200);
    const removed = await ctx.request('DELETE', path, { token: eng.token });
    expect(removed.status).toBe(200);
    const detail = await ctx.request('GET', `/v1/sessions/${s.id}`, { token: eng.token });
    expect(detail.body.session.lane.find((i: { id: string }) => i.id === obs.body.item.id)).toBeUndefined();
    expect((await ctx.request('DELETE', path, { token: eng.token })).status).toBe(404);

    for (const bad of [{}, { text: '' }, { text: 'x', kind: 'note' }]) expect((await ctx.request('PATCH', path, { token: eng.token, body: bad })).status).toBe(400);
    expect((await ctx.request('PATCH', `/v1/sessions/${s.id}/events/nope`, { token: eng.token, body: { text: 'x' } })).status).toBe(400);
  });

  it('leaves steps and status entries to their source, and refuses changes once the session is closed', async () => {
    const admin = await ctx.register('timeline-steps');
    const s = await ctx.openSession(admin);
    const flows = await ctx.request('GET', '/v1/flows?kind=troubleshooting', { token: admin.token });
    const chosen = await ctx.request('PATCH', `/v1/sessions/${s.id}`, { token: admin.token, body: { flowId: flows.body.flows[0].id } });
    const node = chosen.body.session.currentNode;
    const step = await ctx.request('POST', `/v1/sessions/${s.id}/steps`, { token: admin.token, body: { nodeId: node.id, optionId: node.options[0]?.id } });
    expect(step.status).toBe(201);
    const stepEdit = await ctx.request('PATCH', `/v1/sessions/${s.id}/events/${step.body.item.id}`, { token: admin.token, body: { text: 'rewritten' } });
    expect(stepEdit.status).toBe(409);
    expect(stepEdit.body.error.code).toBe('edit_at_source');
    const statusItem = chosen.body.session.lane.find((i: { kind: string }) => i.kind === 'status');
    expect((await ctx.request('DELETE', `/v1/sessions/${s.id}/events/${statusItem.id}`, { token: admin.token })).body.error.code).toBe('edit_at_source');

    const cmd = await ctx.request('POST', `/v1/sessions/${s.id}/events`, { token: admin.token, body: { kind: 'command', text: 'ipconfig /flushdns' } });
    await ctx.request('POST', `/v1/sessions/${s.id}/resolve`, { token: admin.token, body: {} });
    const late = await ctx.request('PATCH', `/v1/sessions/${s.id}/events/${cmd.body.item.id}`, { token: admin.token, body: { text: 'ipconfig /all' } });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('session_closed');

    const stranger = await ctx.register('timeline-stranger');
    expect((await ctx.request('PATCH', `/v1/sessions/${s.id}/events/${cmd.body.item.id}`, { token: stranger.token, body: { text: 'x' } })).status).toBe(404);
  });
});

describe('typed timeline text in responses', () => {
  it('carries the account\'s redaction (built-in detectors and its own patterns); an edit replaces the stored text', async () => {
    const admin = await ctx.register('timeline-secrets');
    expect((await ctx.request('PUT', '/v1/settings', { token: admin.token, body: { redaction: { patterns: ['CUST-\\d{6}'] } } })).status).toBe(200);
    const s = await ctx.openSession(admin);
    const token = `ghp_${'a1B2c3D4e5'.repeat(4)}`;
    const cmd = await ctx.request('POST', `/v1/sessions/${s.id}/events`, {
      token: admin.token,
      body: { kind: 'command', text: `git clone https://x:${token}@github.example/acme/tools.git` },
    });
    expect(cmd.status).toBe(201);
    expect(cmd.body.item.text).toBe('git clone https://x:[redacted token]@github.example/acme/tools.git');
    const obs = await ctx.request('POST', `/v1/sessions/${s.id}/events`, {
      token: admin.token,
      body: { kind: 'observation', text: 'Signed in as the customer with password: Hunter2!x for account CUST-123456' },
    });
    expect(obs.body.item.text).not.toContain('Hunter2!x');
    expect(obs.body.item.text).not.toContain('CUST-123456');
    expect(obs.body.item.text).toMatch(/^Signed in as the customer with password: ?\[redacted password\] for account \[redacted [a-z ]+\]$/);

    // GET /v1/sessions/:id: the timeline as the panel and the workspace read it.
    const read = await ctx.request('GET', `/v1/sessions/${s.id}`, { token: admin.token });
    const raw = JSON.stringify(read.body);
    for (const secret of [token, 'Hunter2!x', 'CUST-123456']) expect(raw).not.toContain(secret);
    const lane = read.body.session.lane as Array<{ id: string; text: string }>;
    expect(lane.find((i) => i.id === cmd.body.item.id)?.text).toBe(cmd.body.item.text);
    expect(lane.find((i) => i.id === obs.body.item.id)?.text).toBe(obs.body.item.text);

    // The stored entry keeps what was typed (the note redacts it again on its own) until an edit replaces it.
    const [row] = await ctx.owner<[{ lane: Array<{ id: string; text: string }> }]>`select pending_task_lane as lane from ai_sessions where id = ${s.id}`;
    expect(row.lane.find((i) => i.id === obs.body.item.id)?.text).toContain('Hunter2!x');
    const edited = await ctx.request('PATCH', `/v1/sessions/${s.id}/events/${obs.body.item.id}`, { token: admin.token, body: { text: 'Signed in as the customer (password from the vault: Vault-Pass 9Zq!)' } });
    expect(edited.status).toBe(200);
    expect(edited.body.item.editedAt).toEqual(expect.any(String));
    const after = await ctx.request('GET', `/v1/sessions/${s.id}`, { token: admin.token });
    const item = (after.body.session.lane as Array<{ id: string; text: string }>).find((i) => i.id === obs.body.item.id)!;
    expect(item.text).toBe(edited.body.item.text);
    expect(item.text).toContain('Signed in as the customer');
    expect(JSON.stringify(after.body)).not.toContain('Hunter2!x');
    const [stored] = await ctx.owner<[{ lane: Array<{ id: string; text: string }> }]>`select pending_task_lane as lane from ai_sessions where id = ${s.id}`;
    expect(stored.lane.find((i) => i.id === obs.body.item.id)?.text).toBe('Signed in as the customer (password from the vault: Vault-Pass 9Zq!)');

    // An entry with nothing secret comes back as typed.
    const plain = await ctx.request('POST', `/v1/sessions/${s.id}/events`, { token: admin.token, body: { kind: 'note', text: 'Rebooted CDG-FRONT-02 at 10:40' } });
    expect(plain.body.item.text).toBe('Rebooted CDG-FRONT-02 at 10:40');
  });
});
