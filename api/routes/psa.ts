// ConnectWise: the account's connection and member mapping, ticket pull, and posting notes back (mounted at /v1).
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppContext, AppEnv } from '../lib/http.js';
import { authOf, requireRole, validate, withTenant } from '../lib/http.js';
import { badRequest, notFound } from '../lib/errors.js';
import type { CwNote } from '../services/psa/connectwise/types.js';
import { ticketWebUrl } from '../services/psa/connectwise/site.js';
import {
  clientFor,
  connectionView,
  deleteConnection,
  normalizeSite,
  readConnection,
  assertKeyStaysBound,
  rememberCodebase,
  rememberServerTimeZone,
  requireConnection,
  saveConnection,
  toAppError,
} from '../services/psa/connection.js';
import { autoMatch, listMappings, mappingView, memberView, setMappings } from '../services/psa/members.js';
import { postSessionNote, type NoteKind } from '../services/psa/posting.js';
import { normalizeTicketContext } from '../services/psa/ticket-context.js';
import { logSessionTime, MAX_MINUTES } from '../services/psa/time-entry.js';
import { ianaFromConnectWise } from '../services/time-zone.js';

const field = (name: string, max: number) => z.string().trim().min(1, `${name} is required`).max(max);

const connectionBody = z
  .object({
    site: field('site', 300),
    companyId: field('companyId', 100),
    publicKey: field('publicKey', 200),
    clientId: field('clientId', 100),
    privateKey: z.string().min(1).max(500).optional(),
  })
  .strict();

const testBody = connectionBody.partial().strict();

const membersBody = z
  .object({
    mappings: z.array(z.object({ userId: z.string().uuid(), memberIdentifier: z.string().trim().min(1).max(100).nullable() }).strict()).max(1000).optional(),
    autoMatch: z.boolean().optional(),
  })
  .strict();

const postBody = z
  .object({
    text: z.string().max(60_000).optional(),
    internal: z.boolean().optional(),
    resolution: z.boolean().optional(),
    notifyCustomer: z.boolean().optional(),
    processNotifications: z.boolean().optional(),
    status: z.string().trim().min(1).max(100).optional(),
    statusId: z.number().int().positive().optional(),
  })
  .strict()
  .refine((b) => b.status === undefined || b.statusId === undefined, 'give status or statusId, not both');

const timeEntryBody = z
  .object({
    minutes: z.number().int('must be whole minutes').min(1).max(MAX_MINUTES).optional(),
    notes: z.string().trim().min(1).max(4000).optional(),
    billable: z.enum(['Billable', 'DoNotBill', 'NoCharge']).optional(),
    addToResolution: z.boolean().optional(),
  })
  .strict();

const sessionParam = z.object({ id: z.string().uuid('must be a session id') });
const ticketParam = z.object({ externalId: z.string().regex(/^\d{1,12}$/, 'must be a ConnectWise ticket number') });

const noteView = (n: CwNote) => ({
  id: String(n.id),
  text: n.text,
  flags: { detailDescription: n.detailDescriptionFlag, internalAnalysis: n.internalAnalysisFlag, resolution: n.resolutionFlag },
  member: n.member ? { id: n.member.id, identifier: n.member.identifier ?? null, name: n.member.name ?? null } : null,
  contact: n.contact ? { id: n.contact.id, name: n.contact.name ?? null } : null,
  dateCreated: n.dateCreated ?? null,
  createdBy: n.createdBy ?? null,
});

/** Runs a ConnectWise call, turning its failures into our 502s. */
async function cw<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toAppError(err);
  }
}

async function postNote(c: AppContext, kind: NoteKind, id: string, b: z.output<typeof postBody>) {
  const result = await postSessionNote(c.get('deps'), authOf(c), id, kind, {
    text: b.text,
    internal: b.internal,
    resolution: b.resolution,
    notifyCustomer: b.notifyCustomer ?? b.processNotifications,
    ticketStatus: b.status,
    ticketStatusId: b.statusId,
  });
  return c.json({ note: result.note, ...(result.statusChange ? { statusChange: result.statusChange } : {}) }, result.created ? 201 : 200);
}

export const psaRoutes = new Hono<AppEnv>()
  // ---- connection ----
  .get('/settings/psa', async (c) => {
    const row = await withTenant(c, readConnection);
    return c.json({ connection: row ? connectionView(row) : null });
  })
  .put('/settings/psa', requireRole('team_admin'), validate('json', connectionBody), async (c) => {
    const auth = authOf(c);
    const body = c.req.valid('json');
    const row = await withTenant(c, (tx) => saveConnection(tx, c.get('deps'), auth, body));
    return c.json({ connection: connectionView(row) });
  })
  .delete('/settings/psa', requireRole('team_admin'), async (c) => {
    if (!(await withTenant(c, deleteConnection))) throw notFound('ConnectWise connection');
    return c.body(null, 204);
  })
  .post('/settings/psa/test', requireRole('team_admin'), validate('json', testBody), async (c) => {
    const auth = authOf(c);
    const deps = c.get('deps');
    const body = c.req.valid('json');
    const stored = await withTenant(c, readConnection);
    // Test the stored connection, or a candidate from the body (its private key, or the stored one).
    const candidate = {
      account_id: auth.accountId,
      site: body.site ? normalizeSite(body.site) : stored?.site,
      company_id: body.companyId ?? stored?.company_id,
      public_key: body.publicKey ?? stored?.public_key,
      client_id: body.clientId ?? stored?.client_id,
      private_key_encrypted: stored?.private_key_encrypted ?? '',
      codebase: stored && (!body.site || normalizeSite(body.site) === stored.site) && (!body.companyId || body.companyId === stored.company_id) ? stored.codebase : null,
    };
    if (!candidate.site || !candidate.company_id || !candidate.public_key || !candidate.client_id || (!body.privateKey && !stored)) {
      throw badRequest('Nothing to test: save a connection first, or send site, companyId, publicKey, clientId and privateKey.');
    }
    // Testing with the stored key: only against the site, company and public key it was saved with.
    if (stored && !body.privateKey) assertKeyStaysBound(stored, { site: candidate.site, companyId: candidate.company_id, publicKey: candidate.public_key });
    const client = clientFor(deps, { ...candidate, site: candidate.site, company_id: candidate.company_id, public_key: candidate.public_key, client_id: candidate.client_id }, body.privateKey);
    const info = await cw(() => client.systemInfo());
    const codebase = await client.codebase();
    const timeZone = ianaFromConnectWise(info.serverTimeZone);
    if (stored && candidate.site === stored.site && candidate.company_id === stored.company_id) {
      await withTenant(c, async (tx) => {
        if (!body.privateKey) await rememberCodebase(tx, stored, client);
        await rememberServerTimeZone(tx, stored, timeZone);
      });
    }
    return c.json({ ok: true, version: info.version, isCloud: info.isCloud, serverTimeZone: info.serverTimeZone ?? null, timeZone, codebase, apiUrl: client.origins.apiOrigin });
  })
  // ---- member mapping ----
  .get('/settings/psa/members', async (c) => {
    const deps = c.get('deps');
    const { rows, conn } = await withTenant(c, async (tx) => ({ rows: await listMappings(tx), conn: await readConnection(tx) }));
    let members: ReturnType<typeof memberView>[] | null = null;
    let membersError: { code: string; message: string } | null = null;
    if (conn) {
      try {
        members = (await clientFor(deps, conn).searchMembers({ conditions: 'inactiveFlag=false' })).map(memberView);
      } catch (err) {
        const e = toAppError(err) as { code?: string; message?: string };
        membersError = { code: e.code ?? 'psa_error', message: e.message ?? 'ConnectWise members could not be listed.' };
      }
    }
    return c.json({ users: rows.map(mappingView), members, membersError });
  })
  .put('/settings/psa/members', requireRole('team_admin'), validate('json', membersBody), async (c) => {
    const auth = authOf(c);
    const deps = c.get('deps');
    const body = c.req.valid('json');
    const conn = await withTenant(c, requireConnection);
    const members = await cw(() => clientFor(deps, conn).searchMembers());
    const result = await withTenant(c, async (tx) => {
      if (body.mappings?.length) await setMappings(tx, auth.accountId, body.mappings, members);
      const matched = body.autoMatch === false ? 0 : await autoMatch(tx, auth.accountId, members);
      return { matched, rows: await listMappings(tx) };
    });
    return c.json({ users: result.rows.map(mappingView), autoMatched: result.matched });
  })
  // ---- ticket pull ----
  .get('/psa/tickets/:externalId', validate('param', ticketParam), async (c) => {
    const deps = c.get('deps');
    const id = Number(c.req.valid('param').externalId);
    const conn = await withTenant(c, requireConnection);
    const client = clientFor(deps, conn);
    const [ticket, notes] = await cw(() => Promise.all([client.getTicket(id), client.listNotes(id)]));
    if (conn.codebase === null) await withTenant(c, (tx) => rememberCodebase(tx, conn, client));
    // The description is the first "detail description" note (ConnectWise does not return it on the ticket).
    const initial = notes.find((n) => n.detailDescriptionFlag);
    const context = normalizeTicketContext({
      externalId: ticket.id,
      url: ticketWebUrl(conn.site, ticket.id),
      summary: ticket.summary,
      company: ticket.company?.name,
      contact: ticket.contact?.name ?? ticket.contactName,
      board: ticket.board?.name,
      status: ticket.status?.name,
      priority: ticket.priority?.name,
      description: initial?.text,
    });
    return c.json({
      ticket: context,
      details: {
        companyIdentifier: ticket.company?.identifier ?? null,
        contactEmail: ticket.contactEmailAddress ?? null,
        owner: ticket.owner ? { identifier: ticket.owner.identifier ?? null, name: ticket.owner.name ?? null } : null,
        type: ticket.type?.name ?? null,
        closed: ticket.closedFlag,
        dateEntered: ticket._info.dateEntered ?? null,
        lastUpdated: ticket._info.lastUpdated ?? null,
      },
      notes: notes.map(noteView),
    });
  })
  // ---- posting notes (exactly once) ----
  .post('/sessions/:id/resolution-note/post', validate('param', sessionParam), validate('json', postBody), (c) =>
    postNote(c, 'resolution_note', c.req.valid('param').id, c.req.valid('json')),
  )
  .post('/sessions/:id/escalation/post', validate('param', sessionParam), validate('json', postBody), (c) =>
    postNote(c, 'escalation_package', c.req.valid('param').id, c.req.valid('json')),
  )
  // ---- logging the session's time (exactly once per session) ----
  .post('/sessions/:id/time-entry', validate('param', sessionParam), validate('json', timeEntryBody), async (c) => {
    const result = await logSessionTime(c.get('deps'), authOf(c), c.req.valid('param').id, c.req.valid('json'));
    if (!result.created) return c.json({ alreadyLogged: true, externalId: result.externalId, timeEntry: result.entry }, 200);
    return c.json({ alreadyLogged: false, externalId: result.entry.externalId, timeEntry: result.entry }, 201);
  });
