// The ConnectWise client against the real loopback simulator: headers, parsing, paging, retries and errors.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../../e2e/sim/simulator.js';
import { ACCEPT, ConnectWiseClient, nextLink, type ClientOptions } from './client.js';
import { PsaError } from './errors.js';
import { siteOrigins, ticketWebUrl } from './site.js';

let sim: Simulator;
// The simulator is on loopback: allow private addresses (the default client reaches public ones only).
const fast: ClientOptions = { backoffBaseMs: 5, backoffMaxMs: 20, timeoutMs: 2_000, network: { allowPrivate: true } };

beforeAll(async () => {
  sim = await startSimulator({
    extraApiKeys: [{ publicKey: 'limitedPub', privateKey: 'limitedPriv', memberIdentifier: 'FlowPilotAPI', deny: ['service/tickets', 'GET system/members'] }],
  });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const client = (over: Partial<ConstructorParameters<typeof ConnectWiseClient>[0]> = {}, opts: ClientOptions = fast) =>
  new ConnectWiseClient({ ...sim.connection, ...over }, opts);

const apiRequests = () => sim.requests.filter((r) => r.apiPath !== null);

async function failure(p: Promise<unknown>): Promise<PsaError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PsaError);
  return err as PsaError;
}

describe('site and codebase', () => {
  it('derives the API host for cloud sites and keeps on-premise hosts and full origins', () => {
    expect(siteOrigins('na.myconnectwise.net')).toEqual({ webOrigin: 'https://na.myconnectwise.net', apiOrigin: 'https://api-na.myconnectwise.net' });
    expect(siteOrigins('api-eu.myconnectwise.net').webOrigin).toBe('https://eu.myconnectwise.net');
    expect(siteOrigins('cw.example-msp.com')).toEqual({ webOrigin: 'https://cw.example-msp.com', apiOrigin: 'https://cw.example-msp.com' });
    expect(siteOrigins('http://127.0.0.1:9123/')).toEqual({ webOrigin: 'http://127.0.0.1:9123', apiOrigin: 'http://127.0.0.1:9123' });
    expect(() => siteOrigins('https://na.myconnectwise.net/v4_6_release')).toThrow(/no path/);
    expect(() => siteOrigins('not a host')).toThrow();
    expect(ticketWebUrl('na.myconnectwise.net', 184201)).toBe(
      'https://na.myconnectwise.net/v4_6_release/services/system_io/Service/fv_sr100_request.rails?service_recid=184201',
    );
  });

  it('discovers the codebase from /login/companyinfo and uses it for API calls', async () => {
    const c = client();
    await c.systemInfo();
    await c.systemInfo();
    expect(await c.codebase()).toBe('v2025_1/');
    expect(sim.requests.map((r) => r.url)).toEqual([
      `/login/companyinfo/${sim.credentials.companyId}`,
      '/v2025_1/apis/3.0/system/info',
      '/v2025_1/apis/3.0/system/info',
    ]);
  });

  it('falls back to v4_6_release/ when the company is unknown to companyinfo', async () => {
    const c = client({ companyId: 'someone_else' });
    const err = await failure(c.systemInfo());
    expect(await c.codebase()).toBe('v4_6_release/');
    expect(err.kind).toBe('bad_credentials');
    expect(apiRequests()[0]!.url).toBe('/v4_6_release/apis/3.0/system/info');
  });
});

describe('headers', () => {
  it('sends exactly the headers ConnectWise expects, and Content-Type only on writes', async () => {
    const c = client();
    await c.getTicket(184201);
    await c.createNote(184201, { text: 'Header check', detailDescriptionFlag: false, internalAnalysisFlag: true, resolutionFlag: false, processNotifications: false });
    const [get, post] = apiRequests();
    const basic = 'Basic ' + Buffer.from(`${sim.credentials.companyId}+${sim.credentials.publicKey}:${sim.credentials.privateKey}`).toString('base64');
    expect(get!.headers.authorization).toBe(basic);
    expect(get!.headers.clientid).toBe(sim.credentials.clientId);
    expect(get!.headers.accept).toBe(ACCEPT);
    expect(ACCEPT).toBe('application/vnd.connectwise.com+json; version=2021.1');
    expect(get!.headers['content-type']).toBeUndefined();
    expect(post!.method).toBe('POST');
    expect(post!.headers['content-type']).toBe('application/json');
    expect(post!.headers.authorization).toBe(basic);
    expect(post!.body).toEqual({ text: 'Header check', detailDescriptionFlag: false, internalAnalysisFlag: true, resolutionFlag: false, processNotifications: false });
  });

  it('never exposes the private key through JSON serialisation', () => {
    const c = client();
    expect(JSON.stringify(c)).not.toContain(sim.credentials.privateKey);
    expect(JSON.stringify(c)).not.toContain('Basic');
  });
});

describe('resources', () => {
  it('parses a ticket with its reference objects and tolerates null fields', async () => {
    const t = await client().getTicket(184202);
    expect(t).toMatchObject({
      id: 184202,
      summary: 'VPN drops every 10 minutes for remote staff',
      recordType: 'ServiceTicket',
      board: { id: 4, name: 'Network Operations' },
      status: { name: 'In Progress' },
      company: { id: 251, identifier: 'NorthwindLaw', name: 'Northwind Law LLP' },
      contact: { name: 'Priya Natarajan' },
      contactEmailAddress: 'pnatarajan@northwindlaw.example',
      priority: { name: 'Priority 2 - High', sort: 2 },
      owner: { identifier: 'rkumar' },
      closedFlag: false,
    });
    expect(t._info.dateEntered).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const alert = await client().getTicket(184204); // monitoring ticket: no contact, no owner
    expect(alert.contact).toBeUndefined();
    expect(alert.owner).toBeUndefined();
    expect(alert.contactName).toBeUndefined();
  });

  it('lists notes oldest first with the initial description first, including a customer note', async () => {
    const notes = await client().listNotes(184202);
    expect(notes[0]).toMatchObject({ detailDescriptionFlag: true, ticketId: 184202 });
    expect(notes[0]!.text).toContain('GlobalProtect');
    const customer = notes.find((n) => n.contact);
    expect(customer).toMatchObject({ member: undefined, contact: { name: 'Priya Natarajan' } });
    const internal = notes.find((n) => n.internalAnalysisFlag);
    expect(internal?.member).toMatchObject({ identifier: 'rkumar', name: 'Ravi Kumar' });
  });

  it('creates a note, a time entry, and reads both back through allNotes', async () => {
    const c = client();
    const note = await c.createNote(184205, {
      text: 'Cleaned the fuser contacts; test page prints.',
      detailDescriptionFlag: false, internalAnalysisFlag: false, resolutionFlag: true, processNotifications: false, memberIdentifier: 'mchen',
    });
    expect(note).toMatchObject({ ticketId: 184205, resolutionFlag: true, member: { identifier: 'mchen' } });
    expect(note.dateCreated).toMatch(/Z$/);
    const stored = sim.data.notes.find((n) => n.id === note.id)!;
    expect(stored.processNotifications).toBe(false);
    const entry = await c.createTimeEntry({
      ticketId: 184205, memberIdentifier: 'mchen', timeStart: new Date('2026-11-20T14:00:00Z'), timeEnd: new Date('2026-11-20T14:30:00Z'),
      notes: 'Printer troubleshooting (FlowPilot session)', addToInternalAnalysisFlag: true,
    });
    expect(entry).toMatchObject({ chargeToId: 184205, chargeToType: 'ServiceTicket', actualHours: 0.5, member: { identifier: 'mchen' } });
    const all = await c.listAllNotes(184205);
    expect(all.map((n) => n.noteType).sort()).toEqual(['TicketNote', 'TicketNote', 'TimeEntryNote']);
    expect(all.find((n) => n.noteType === 'TimeEntryNote')).toMatchObject({ text: 'Printer troubleshooting (FlowPilot session)', timeStart: '2026-11-20T14:00:00Z' });
  });

  it('searches members with conditions and finds one by identifier', async () => {
    const c = client();
    const active = await c.searchMembers({ conditions: 'inactiveFlag=false' });
    expect(active.map((m) => m.identifier)).toContain('asmith');
    expect(active.map((m) => m.identifier)).not.toContain('bwalsh');
    expect(await c.findMemberByIdentifier('rkumar')).toMatchObject({ id: 163, primaryEmail: 'ravi.kumar@bluewave-it.example', firstName: 'Ravi' });
    expect(await c.findMemberByIdentifier("nobody'; drop")).toBeNull();
  });

  it('reads system info and changes a ticket status by id', async () => {
    const c = client();
    expect(await c.systemInfo()).toMatchObject({ version: 'v2025.1.10431', isCloud: true });
    const statuses = await c.listBoardStatuses(1);
    const closed = statuses.find((s) => s.name === '>Closed')!;
    const t = await c.setTicketStatus(184201, closed.id);
    expect(t).toMatchObject({ status: { name: '>Closed' }, closedFlag: true });
  });

  it('pages through many notes by following Link headers', async () => {
    const c = client();
    const expected = sim.data.notes.filter((n) => n.ticketId === 184215).length;
    expect(expected).toBeGreaterThan(25);
    const notes = await c.listNotes(184215, { pageSize: 10 });
    expect(notes).toHaveLength(expected);
    expect(new Set(notes.map((n) => n.id)).size).toBe(expected);
    expect(notes.map((n) => n.id)).toEqual([...notes.map((n) => n.id)].sort((a, b) => a - b));
    const pages = apiRequests().filter((r) => r.apiPath === 'service/tickets/184215/notes');
    expect(pages).toHaveLength(Math.ceil(expected / 10));
    expect(pages.map((r) => new URL(r.url, sim.url).searchParams.get('page'))).toEqual(pages.map((_, i) => String(i + 1)));
  });

  it('parses Link headers', () => {
    expect(nextLink('<https://x/a?page=1>; rel="first", <https://x/a?page=3&pageSize=10>; rel="next"')?.searchParams.get('page')).toBe('3');
    expect(nextLink('<https://x/a?page=1>; rel="prev"')).toBeNull();
  });
});

describe('retries', () => {
  it('honours Retry-After on 429: the wait is observed before the retry', async () => {
    sim.faults.rateLimit(0.4, { path: 'system/info' });
    const started = performance.now();
    await client().systemInfo();
    const elapsed = performance.now() - started;
    const calls = apiRequests().filter((r) => r.apiPath === 'system/info');
    expect(calls).toHaveLength(2);
    expect(calls[0]!.status).toBe(429);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(395);
    expect(elapsed).toBeGreaterThanOrEqual(400);
  });

  it('fails fast with rate_limited when Retry-After is longer than it is willing to hold the request', async () => {
    sim.faults.rateLimit(120, { path: 'system/info' });
    const err = await failure(client().systemInfo());
    expect(err.kind).toBe('rate_limited');
    expect(err.details.retryAfterSeconds).toBe(120);
  });

  it('retries reads on 500/503 and dropped connections, then succeeds', async () => {
    sim.faults.status(503, { path: 'service/tickets/184201' });
    sim.faults.add({ match: { path: 'service/tickets/184201' }, fault: { kind: 'drop' } });
    sim.faults.status(500, { path: 'service/tickets/184201' });
    const t = await client().getTicket(184201);
    expect(t.id).toBe(184201);
    expect(apiRequests().filter((r) => r.apiPath === 'service/tickets/184201')).toHaveLength(4);
  });

  it('gives up after the retry budget with an actionable unavailable error', async () => {
    sim.faults.status(503, { path: 'system/info' }, 10);
    const err = await failure(client({}, { ...fast, retries: 2 }).systemInfo());
    expect(err.kind).toBe('unavailable');
    expect(err.message).toMatch(/ConnectWise failed \(503/);
    expect(apiRequests()).toHaveLength(3);
  });

  it('times out a slow read and retries it', async () => {
    sim.faults.delay(400, { path: 'system/info' });
    await client({}, { ...fast, timeoutMs: 150 }).systemInfo();
    expect(apiRequests()).toHaveLength(2);
    sim.faults.delay(400, { path: 'system/info' }, 5);
    const err = await failure(client({}, { ...fast, timeoutMs: 100, retries: 1 }).systemInfo());
    expect(err.kind).toBe('timeout');
  });

  it('does not retry a write that failed after sending: the outcome is reported as unknown', async () => {
    sim.faults.dropAfterWrite({ method: 'POST', path: /notes$/ });
    const err = await failure(
      client().createNote(184201, { text: 'Dropped reply', detailDescriptionFlag: true, internalAnalysisFlag: false, resolutionFlag: false, processNotifications: false }),
    );
    expect(err.kind).toBe('unknown_outcome');
    expect(apiRequests().filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(sim.data.notes.filter((n) => n.text === 'Dropped reply')).toHaveLength(1);
  });

  it('retries a write refused with 429 (nothing was written) but not one refused with 500', async () => {
    const note = { text: 'After 429', detailDescriptionFlag: true, internalAnalysisFlag: false, resolutionFlag: false, processNotifications: false };
    sim.faults.rateLimit(0.05, { method: 'POST' });
    await client().createNote(184201, note);
    expect(sim.data.notes.filter((n) => n.text === 'After 429')).toHaveLength(1);
    sim.clearRequests();
    sim.faults.status(500, { method: 'POST' });
    const err = await failure(client().createNote(184201, { ...note, text: 'After 500' }));
    expect(err.kind).toBe('unavailable');
    expect(apiRequests().filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('reports an unreachable server as unavailable', async () => {
    const err = await failure(new ConnectWiseClient({ site: 'http://127.0.0.1:1', ...sim.credentials, codebase: 'v4_6_release/' }, { ...fast, retries: 1 }).systemInfo());
    expect(err.kind).toBe('unavailable');
  });
});

describe('errors', () => {
  it('distinguishes bad credentials (401), a missing security role (403) and a missing ticket (404)', async () => {
    const bad = await failure(client({ privateKey: 'wrong-private-key' }).getTicket(184201));
    expect(bad.kind).toBe('bad_credentials');
    expect(bad.details.status).toBe(401);
    expect(bad.message).toMatch(/company id "flowpilot_demo", the public key and the private key/);
    expect(bad.message).not.toContain('wrong-private-key');

    const clientId = await failure(client({ clientId: '00000000-0000-0000-0000-000000000000' }).getTicket(184201));
    expect(clientId.kind).toBe('bad_credentials');
    expect(clientId.message).toMatch(/client id/);

    const role = await failure(client({ publicKey: 'limitedPub', privateKey: 'limitedPriv' }).getTicket(184201));
    expect(role.kind).toBe('forbidden');
    expect(role.details.status).toBe(403);
    expect(role.message).toMatch(/security role/);
    expect(role.message).not.toContain('limitedPriv');

    const missing = await failure(client().getTicket(999999));
    expect(missing.kind).toBe('not_found');
    expect(missing.message).toBe("Ticket #999999 was not found in ConnectWise. Check the number, and that the API member can see that ticket's board.");
    expect(new Set([bad.code, role.code, missing.code]).size).toBe(3);
  });

  it('turns a refused note into an invalid_request naming ConnectWise\'s reason', async () => {
    const err = await failure(
      client().createNote(184201, { text: 'No flags', detailDescriptionFlag: false, internalAnalysisFlag: false, resolutionFlag: false, processNotifications: false }),
    );
    expect(err.kind).toBe('invalid_request');
    expect(err.message).toMatch(/Please choose where to display the notes/);
  });
});
