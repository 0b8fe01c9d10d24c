// The escalation's board picker: the account's active ConnectWise boards and a chosen board's statuses,
// against the ConnectWise simulator (real list shapes, conditions and paging) and the real database.
import { describe, expect, it } from 'vitest';
import { connectedWorld } from '../test/world.js';

const world = connectedWorld();
const { connectedAccount } = world;

const boardCalls = () => world.sim.requests.filter((r) => r.method === 'GET' && r.apiPath === 'service/boards');
const statusCalls = (board: number) => world.sim.requests.filter((r) => r.method === 'GET' && r.apiPath === `service/boards/${board}/statuses`);

describe('GET /v1/psa/boards', () => {
  it('lists the active boards only (asking ConnectWise for inactiveFlag=false), served from the shared cache until refreshed', async () => {
    const admin = await connectedAccount('boards');
    const before = boardCalls().length;
    const first = await world.ctx.request('GET', '/v1/psa/boards', { token: admin.token });
    expect(first.status).toBe(200);
    expect(first.body.cached).toBe(false);
    expect(first.body.boards.map((b: { name: string }) => b.name)).toEqual(['Help Desk', 'Network Operations', 'Projects Intake', 'Tier 2 Escalations']);
    expect(first.body.boards.find((b: { id: number }) => b.id === 9)).toEqual({ id: 9, name: 'Tier 2 Escalations', location: 'Main', department: 'Service' });
    expect(first.body.boards.some((b: { name: string }) => b.name.includes('Legacy'))).toBe(false);
    const sent = boardCalls().slice(before);
    expect(sent).toHaveLength(1);
    expect(new URL(sent[0]!.url, 'http://x').searchParams.get('conditions')).toBe('inactiveFlag=false');

    // A second panel of the account: from the database, no ConnectWise call.
    const second = await world.ctx.request('GET', '/v1/psa/boards', { token: admin.token });
    expect(second.body).toMatchObject({ cached: true, boards: first.body.boards });
    expect(boardCalls().length - before).toBe(1);
    const [row] = await world.ctx.owner`select jsonb_array_length(boards) as n from psa_boards where account_id = ${admin.accountId}`;
    expect(row).toMatchObject({ n: 4 });

    // Each account has its own cache (and its own ConnectWise).
    const other = await connectedAccount('boards-other');
    expect((await world.ctx.request('GET', '/v1/psa/boards', { token: other.token })).body.cached).toBe(false);

    const refreshed = await world.ctx.request('GET', '/v1/psa/boards?refresh=1', { token: admin.token });
    expect(refreshed.body.cached).toBe(false);
    expect(boardCalls().length - before).toBe(3);
  });

  it('follows ConnectWise\'s next-page links to the last board', async () => {
    const admin = await connectedAccount('boards-paged');
    const extra = Array.from({ length: 230 }, (_, i) => ({ id: 5000 + i, name: `Client Desk ${String(i).padStart(3, '0')}`, location: 'Branch', department: 'Service', statuses: [{ id: 90000 + i, name: 'New' }] }));
    world.sim.data.boards.push(...extra);
    try {
      const before = boardCalls().length;
      const res = await world.ctx.request('GET', '/v1/psa/boards', { token: admin.token });
      expect(res.status).toBe(200);
      expect(res.body.boards).toHaveLength(234);
      expect(res.body.boards.map((b: { name: string }) => b.name)).toContain('Client Desk 229');
      expect(boardCalls().length - before).toBe(2);
    } finally {
      world.sim.data.boards.splice(world.sim.data.boards.length - extra.length, extra.length);
    }
  });

  it('says why without a connection, rejects bad queries and reports ConnectWise refusing', async () => {
    const lonely = await world.ctx.register('boards-lonely');
    const none = await world.ctx.request('GET', '/v1/psa/boards', { token: lonely.token });
    expect(none.status).toBe(422);
    expect(none.body.error.code).toBe('psa_not_configured');

    const admin = await connectedAccount('boards-bad');
    const bad = await world.ctx.request('GET', '/v1/psa/boards?refresh=yes', { token: admin.token });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: expect.any(String), message: expect.stringContaining('refresh') });

    world.sim.faults.status(403, { method: 'GET', path: 'service/boards' });
    const refused = await world.ctx.request('GET', '/v1/psa/boards', { token: admin.token });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.body.error.message).toMatch(/ConnectWise/i);
    expect((await world.ctx.request('GET', '/v1/psa/boards', { token: admin.token })).status).toBe(200);
  });
});

describe('GET /v1/psa/boards/:boardId/statuses', () => {
  it('lists another board\'s active statuses (cached per board), and refuses an inactive or unknown board', async () => {
    const admin = await connectedAccount('board-statuses');
    const before = statusCalls(9).length;
    const res = await world.ctx.request('GET', '/v1/psa/boards/9/statuses', { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body.board).toEqual({ id: 9, name: 'Tier 2 Escalations' });
    expect(res.body.statuses.map((s: { name: string }) => s.name)).toEqual(['New (Escalated)', 'Engineer Assigned', 'Waiting on Tier 1', '>Closed']);
    expect(res.body.statuses[0]).toEqual({ id: 901, name: 'New (Escalated)', closed: false, default: true, timeEntryNotAllowed: false });
    expect((await world.ctx.request('GET', '/v1/psa/boards/9/statuses', { token: admin.token })).body.cached).toBe(true);
    expect(statusCalls(9).length - before).toBe(1);

    // Inactive statuses of an active board are left out, as in the ticket's own picker.
    const help = await world.ctx.request('GET', '/v1/psa/boards/1/statuses', { token: admin.token });
    expect(help.body.statuses.map((s: { name: string }) => s.name)).not.toContain('Waiting on Vendor');

    const retired = await world.ctx.request('GET', '/v1/psa/boards/11/statuses', { token: admin.token });
    expect(retired.status).toBe(404);
    expect(retired.body.error.code).toBe('board_not_found');
    expect((await world.ctx.request('GET', '/v1/psa/boards/777/statuses', { token: admin.token })).status).toBe(404);
    const bad = await world.ctx.request('GET', '/v1/psa/boards/x1/statuses', { token: admin.token });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('board id');
  });
});

describe('escalating to another board', () => {
  it('moves the ticket to the chosen board and status exactly once, and refuses a retired board', async () => {
    const admin = await connectedAccount('board-escalate');
    const session = await world.ctx.openSession(admin, { externalId: '184203' });
    const body = { reason: 'Needs Tier 2: ERP licensing', boardId: 9, statusId: 902 };
    const first = await world.ctx.request('POST', `/v1/sessions/${session.id}/escalation/send`, { token: admin.token, body });
    expect(first.status).toBe(200);
    expect(first.body.steps.find((s: { step: string }) => s.step === 'ticket')).toMatchObject({ state: 'done', detail: expect.stringContaining('Tier 2 Escalations') });
    const ticket = world.sim.data.tickets.find((t) => t.id === 184203)!;
    expect(ticket).toMatchObject({ boardId: 9, statusId: 902 });
    const moves = () => world.sim.requests.filter((r) => r.method === 'PATCH' && r.apiPath === 'service/tickets/184203');
    expect(moves()).toHaveLength(1);
    const again = await world.ctx.request('POST', `/v1/sessions/${session.id}/escalation/send`, { token: admin.token, body });
    expect(again.body.steps.find((s: { step: string }) => s.step === 'ticket').state).toBe('already');
    expect(moves()).toHaveLength(1);

    const other = await world.ctx.openSession(admin, { externalId: '184205' });
    const retired = await world.ctx.request('POST', `/v1/sessions/${other.id}/escalation/send`, { token: admin.token, body: { reason: 'Old desk', boardId: 11 } });
    expect(retired.body.steps.find((s: { step: string }) => s.step === 'ticket').state).toBe('failed');
    expect(world.sim.data.tickets.find((t) => t.id === 184205)!.boardId).toBe(1);
  });
});
