// The simulator's REST side over real HTTP: auth, shapes, list parameters, Link paging, errors, faults, reset.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { evaluate, parseConditions } from './conditions.js';
import { startSimulator, type Simulator } from './simulator.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ extraApiKeys: [{ publicKey: 'ro', privateKey: 'ro-secret', memberIdentifier: 'FlowPilotAPI', deny: ['POST service/tickets/*/notes'] }] });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const basic = (pub = sim.credentials.publicKey, priv = sim.credentials.privateKey) =>
  'Basic ' + Buffer.from(`${sim.credentials.companyId}+${pub}:${priv}`).toString('base64');

async function api(path: string, init: { method?: string; body?: unknown; auth?: string | null; clientId?: string | null } = {}) {
  const headers: Record<string, string> = { Accept: 'application/vnd.connectwise.com+json; version=2021.1' };
  if (init.auth !== null) headers.Authorization = init.auth ?? basic();
  if (init.clientId !== null) headers.clientId = init.clientId ?? sim.credentials.clientId;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${sim.apiBase}/${path}`, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
}

describe('seed', () => {
  it('has at least 12 realistic tickets across companies, boards and statuses, each with an initial description', () => {
    const d = sim.data;
    expect(d.tickets.length).toBeGreaterThanOrEqual(12);
    expect(new Set(d.tickets.map((t) => t.companyId)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(d.tickets.map((t) => t.boardId)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(d.tickets.map((t) => t.statusId)).size).toBeGreaterThanOrEqual(5);
    for (const t of d.tickets) {
      const first = d.notes.filter((n) => n.ticketId === t.id).sort((a, b) => a.id - b.id)[0];
      expect(first?.detailDescriptionFlag, `ticket ${t.id}`).toBe(true);
    }
    expect(d.members.every((m) => m.primaryEmail.includes('@'))).toBe(true);
  });
});

describe('auth', () => {
  it('answers 401 JSON for missing or wrong credentials and a missing or unknown clientId', async () => {
    for (const init of [{ auth: null }, { auth: basic('fpDemoPublicKey01', 'nope') }, { clientId: null }, { clientId: 'not-registered' }]) {
      const r = await api('system/info', init);
      expect(r.status).toBe(401);
      expect(r.body).toMatchObject({ code: 'Unauthorized', message: expect.any(String) });
    }
    expect((await api('system/info')).status).toBe(200);
  });

  it('accepts the company id case-insensitively', async () => {
    const auth = 'Basic ' + Buffer.from(`FLOWPILOT_DEMO+${sim.credentials.publicKey}:${sim.credentials.privateKey}`).toString('base64');
    expect((await api('system/info', { auth })).status).toBe(200);
  });

  it('answers 403 when the API member\'s security role lacks the permission', async () => {
    const auth = basic('ro', 'ro-secret');
    expect((await api('service/tickets/184201', { auth })).status).toBe(200);
    const r = await api('service/tickets/184201/notes', { method: 'POST', auth, body: { text: 'x', internalAnalysisFlag: true } });
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ code: 'Forbidden', message: expect.stringMatching(/security role/) });
  });
});

describe('codebase discovery', () => {
  it('reports the codebase and serves the API under it and under v4_6_release', async () => {
    const info = (await (await fetch(`${sim.url}/login/companyinfo/${sim.credentials.companyId}`)).json()) as Record<string, unknown>;
    expect(info).toMatchObject({ CompanyID: 'flowpilot_demo', Codebase: 'v2025_1/', IsCloud: true });
    const viaCodebase = await fetch(`${sim.url}/v2025_1/apis/3.0/system/info`, { headers: { Authorization: basic(), clientId: sim.credentials.clientId } });
    expect(viaCodebase.status).toBe(200);
  });
});

describe('tickets and notes', () => {
  it('returns ConnectWise shapes: reference objects with _info, ISO dates with Z, 404 bodies', async () => {
    const r = await api('service/tickets/184201');
    expect(r.body).toMatchObject({
      id: 184201,
      recordType: 'ServiceTicket',
      board: { id: 1, name: 'Help Desk', _info: { board_href: expect.stringContaining('/service/boards/1') } },
      company: { identifier: 'ContosoDental' },
      _info: { dateEntered: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/), notes_href: expect.stringContaining('/service/tickets/184201/notes') },
    });
    expect(r.body).not.toHaveProperty('initialDescription');
    const missing = await api('service/tickets/404');
    expect(missing).toMatchObject({ status: 404, body: { code: 'NotFound', message: 'Service Ticket 404 not found' } });
  });

  it('filters with conditions, orders, projects fields and pages with Link headers', async () => {
    const r = await api(`service/tickets?conditions=${encodeURIComponent("board/name='Help Desk' and summary contains 'outlook'")}&orderBy=id%20desc&fields=id,summary,board/name`);
    expect(r.body).toEqual([
      { id: 184208, summary: 'Shared mailbox "billing@" missing from Outlook', board: { name: 'Help Desk' } },
      { id: 184201, summary: 'Outlook keeps prompting for password after Microsoft 365 migration', board: { name: 'Help Desk' } },
    ]);
    const p1 = await api('service/tickets?pageSize=5&orderBy=id%20asc');
    expect((p1.body as unknown[]).length).toBe(5);
    expect(p1.headers.get('link')).toMatch(/page=2[^>]*>; rel="next"/);
    expect(p1.headers.get('link')).toMatch(/rel="last"/);
    const total = sim.data.tickets.length;
    const last = await api(`service/tickets?pageSize=5&page=${Math.ceil(total / 5)}`);
    expect(last.headers.get('link')).not.toMatch(/rel="next"/);
    expect(last.headers.get('link')).toMatch(/rel="prev"/);
    const bad = await api(`service/tickets?conditions=${encodeURIComponent("summary = 'unterminated")}`);
    expect(bad.status).toBe(400);
    expect((await api('service/tickets/count?conditions=closedFlag=false')).body).toEqual({ count: sim.data.tickets.filter((t) => !t.closedFlag).length });
  });

  it('creates notes with ConnectWise validation, member attribution and processNotifications', async () => {
    const none = await api('service/tickets/184201/notes', { method: 'POST', body: { text: 'hello' } });
    expect(none).toMatchObject({ status: 400, body: { code: 'InvalidObject', errors: [{ message: 'Please choose where to display the notes' }] } });
    const inactive = await api('service/tickets/184201/notes', { method: 'POST', body: { text: 'x', internalAnalysisFlag: true, member: { identifier: 'bwalsh' } } });
    expect(inactive.status).toBe(400);
    const ok = await api('service/tickets/184201/notes', { method: 'POST', body: { text: 'Fixed.', resolutionFlag: true, member: { identifier: 'asmith' }, processNotifications: false } });
    expect(ok).toMatchObject({ status: 201, body: { ticketId: 184201, resolutionFlag: true, member: { identifier: 'asmith', name: 'Alice Smith' }, createdBy: 'FlowPilotAPI' } });
    const id = (ok.body as { id: number }).id;
    expect(sim.data.notes.find((n) => n.id === id)?.processNotifications).toBe(false);
    const api2 = await api('service/tickets/184201/notes', { method: 'POST', body: { text: 'As API member', internalAnalysisFlag: true } });
    expect(api2.body).toMatchObject({ member: { identifier: 'FlowPilotAPI' } });
    expect((await api(`service/tickets/184201/notes/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api(`service/tickets/184201/notes/${id}`)).status).toBe(404);
  });
});

describe('time entries', () => {
  it('stores time entries in the real shape and lists them by chargeToType/chargeToId conditions', async () => {
    const body = (ticket: number, notes: string) => ({
      chargeToId: ticket, chargeToType: 'ServiceTicket', member: { identifier: 'asmith' }, timeStart: '2026-11-16T08:00:00Z', timeEnd: '2026-11-16T08:45:00Z',
      notes, addToDetailDescriptionFlag: false, addToInternalAnalysisFlag: false, addToResolutionFlag: true, billableOption: 'NoCharge',
    });
    const one = await api('time/entries', { method: 'POST', body: body(184201, 'First\n\nFlowPilot ref AAAAAAAAAA') });
    expect(one).toMatchObject({ status: 201, body: { chargeToId: 184201, chargeToType: 'ServiceTicket', member: { identifier: 'asmith', name: 'Alice Smith' },
      timeStart: '2026-11-16T08:00:00Z', timeEnd: '2026-11-16T08:45:00Z', actualHours: 0.75, billableOption: 'NoCharge', addToResolutionFlag: true,
      addToDetailDescriptionFlag: false, addToInternalAnalysisFlag: false, notes: expect.stringContaining('FlowPilot ref AAAAAAAAAA') } });
    await api('time/entries', { method: 'POST', body: body(184202, 'Other ticket') });
    const listed = await api(`time/entries?conditions=${encodeURIComponent("chargeToType='ServiceTicket' AND chargeToId=184201")}&orderBy=${encodeURIComponent('id desc')}`);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([expect.objectContaining({ id: (one.body as { id: number }).id, chargeToId: 184201 })]);
    const other = await api(`time/entries?conditions=${encodeURIComponent("chargeToType='ProjectTicket' AND chargeToId=184201")}`);
    expect(other.body).toEqual([]);
    expect((await api('time/entries', { method: 'POST', body: { ...body(184201, 'x'), timeEnd: '2026-11-16T07:00:00Z' } })).status).toBe(400);
  });
});

describe('boards, status changes and company tickets', () => {
  it('lists a board\'s statuses in ConnectWise\'s BoardStatus shape, with the default, closed and inactive ones flagged', async () => {
    const r = await api('service/boards/1/statuses');
    expect(r.status).toBe(200);
    const statuses = r.body as Array<Record<string, unknown>>;
    expect(statuses.map((s) => s.name)).toEqual(['New', 'In Progress', 'Waiting on Client', 'Scheduled', 'Escalated', '>Closed', 'Waiting on Vendor']);
    expect(statuses[0]).toMatchObject({ id: 531, defaultFlag: true, closedStatus: false, inactive: false, board: { id: 1, name: 'Help Desk' }, sortOrder: 0 });
    expect(statuses.find((s) => s.name === '>Closed')).toMatchObject({ closedStatus: true, defaultFlag: false });
    expect(statuses.find((s) => s.name === 'Waiting on Vendor')).toMatchObject({ inactive: true, displayOnBoard: false });
    for (const s of statuses) expect(Object.keys(s)).toEqual(expect.arrayContaining(['timeEntryNotAllowed', 'escalationStatus', 'customerPortalFlag', '_info']));
    expect((await api('service/boards/1/statuses/536')).body).toMatchObject({ id: 536, closedStatus: true });
    expect((await api('service/boards/99/statuses')).status).toBe(404);
  });

  it('changes a ticket\'s status by JSON Patch, closing it on a closed status and refusing inactive or foreign statuses', async () => {
    const close = await api('service/tickets/184201', { method: 'PATCH', body: [{ op: 'replace', path: 'status', value: { id: 536 } }] });
    expect(close.status).toBe(200);
    expect(close.body).toMatchObject({ status: { id: 536, name: '>Closed' }, closedFlag: true, closedDate: expect.stringMatching(/Z$/) });
    const inactive = await api('service/tickets/184201', { method: 'PATCH', body: [{ op: 'replace', path: 'status/id', value: 537 }] });
    expect(inactive.status).toBe(400);
    expect(inactive.body).toMatchObject({ code: 'InvalidObject', errors: [{ field: 'status', message: expect.stringContaining('inactive') }] });
    // A status of another board (Network Operations) is not valid on a Help Desk ticket.
    expect((await api('service/tickets/184201', { method: 'PATCH', body: [{ op: 'replace', path: 'status', value: { id: 632 } }] })).status).toBe(400);
    expect(sim.data.tickets.find((t) => t.id === 184201)!.statusId).toBe(536);
    expect((await api('service/tickets/184201', { method: 'PATCH', body: { status: { id: 532 } } })).status).toBe(400);
  });

  it('moves a ticket to another board, taking the status given or the new board\'s default', async () => {
    const moved = await api('service/tickets/184201', { method: 'PATCH', body: [{ op: 'replace', path: 'board', value: { id: 4 } }, { op: 'replace', path: 'status', value: { id: 635 } }] });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ board: { id: 4, name: 'Network Operations' }, status: { id: 635, name: 'Escalated' } });
    const back = await api('service/tickets/184201', { method: 'PATCH', body: [{ op: 'replace', path: 'board/id', value: 1 }] });
    expect(back.body).toMatchObject({ board: { id: 1 }, status: { id: 531, name: 'New' } });
    expect((await api('service/tickets/184201', { method: 'PATCH', body: [{ op: 'replace', path: 'board', value: { id: 99 } }] })).status).toBe(400);
  });

  it('lists a company\'s tickets with company/id conditions, newest first', async () => {
    const r = await api('service/tickets?conditions=company/id=250&orderBy=id desc&fields=id,summary,company/name');
    expect(r.status).toBe(200);
    const rows = r.body as Array<{ id: number; company: { name: string } }>;
    expect(rows.map((t) => t.id)).toEqual([184208, 184201]);
    expect(rows.every((t) => t.company.name === 'Contoso Dental Group')).toBe(true);
  });

  it('refuses a time entry on a ticket whose status does not allow time, and reports its server time zone', async () => {
    sim.data.boards[0]!.statuses.find((s) => s.id === 532)!.timeEntryNotAllowed = true;
    const r = await api('time/entries', { method: 'POST', body: { chargeToId: 184201, chargeToType: 'ServiceTicket', timeStart: '2026-11-16T09:00:00Z', timeEnd: '2026-11-16T09:30:00Z' } });
    expect(r.status).toBe(400);
    expect((await api('system/info')).body).toMatchObject({ serverTimeZone: 'Eastern Standard Time' });
    const other = await startSimulator({ serverTimeZone: 'GMT Standard Time' });
    try {
      const res = await fetch(`${other.apiBase}/system/info`, { headers: { Authorization: basic(), clientId: other.credentials.clientId } });
      expect(await res.json()).toMatchObject({ serverTimeZone: 'GMT Standard Time' });
    } finally {
      await other.close();
    }
  });
});

describe('faults', () => {
  it('injects 429 with Retry-After, 500/503, delays, and write-then-drop', async () => {
    sim.faults.rateLimit(3, { path: 'system/info' });
    const limited = await api('system/info');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    sim.faults.status(503);
    expect((await api('system/info')).status).toBe(503);
    sim.faults.delay(150);
    const t0 = performance.now();
    await api('system/info');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(145);

    sim.faults.dropAfterWrite({ method: 'POST' });
    await expect(api('service/tickets/184203/notes', { method: 'POST', body: { text: 'Stored but unanswered', internalAnalysisFlag: true } })).rejects.toThrow();
    expect(sim.data.notes.filter((n) => n.text === 'Stored but unanswered')).toHaveLength(1);
    expect(sim.faults.pending()).toBe(0);
  });

  it('seeded chaos hits about the configured share of matching requests', async () => {
    sim.faults.chaos({ rate: 0.5, faults: [{ kind: 'status', status: 500 }], match: { path: 'system/info' }, seed: 7 });
    let failures = 0;
    for (let i = 0; i < 40; i++) if ((await api('system/info')).status === 500) failures++;
    expect(failures).toBeGreaterThan(10);
    expect(failures).toBeLessThan(30);
    sim.faults.stopChaos();
    expect((await api('system/info')).status).toBe(200);
  });

  it('reset restores the seed', async () => {
    await api('service/tickets/184201/notes', { method: 'POST', body: { text: 'temp', internalAnalysisFlag: true } });
    const before = sim.data.notes.length;
    sim.reset();
    expect(sim.data.notes.length).toBe(before - 1);
    expect(sim.requests).toHaveLength(0);
  });
});

describe('conditions language', () => {
  const rec = { id: 5, summary: "It's broken", board: { name: 'Help Desk' }, closedFlag: false, dateEntered: '2026-11-16T08:12:00Z', owner: null };
  it.each([
    ["board/name = 'Help Desk'", true],
    ["summary contains 'BROKEN'", true],
    ["summary like 'It*'", true],
    ["summary = 'It''s broken'", true],
    ["summary = 'It\\'s broken'", true],
    ['id in (1, 5, 9) and closedFlag = false', true],
    ['id not in (5)', false],
    ['dateEntered > [2026-11-01T00:00:00Z]', true],
    ['(id = 1 or id = 5) and not (closedFlag = true)', true],
    ['owner = null', true],
    ['id >= 6 or board/name != \'Help Desk\'', false],
  ])('%s -> %s', (cond, want) => {
    expect(evaluate(parseConditions(cond), rec)).toBe(want);
  });
});
