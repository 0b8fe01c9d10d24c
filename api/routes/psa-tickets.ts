// A ConnectWise ticket pulled through the account's connection: GET /v1/psa/tickets/:externalId.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../lib/http.js';
import { validate, withTenant } from '../lib/http.js';
import type { CwNote } from '../services/psa/connectwise/types.js';
import { ticketWebUrl } from '../services/psa/connectwise/site.js';
import { clientFor, cw, rememberCodebase, requireConnection } from '../services/psa/connection.js';
import { normalizeTicketContext } from '../services/psa/ticket-context.js';

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

export const psaTicketRoutes = new Hono<AppEnv>()
  .get('/:externalId', validate('param', ticketParam), async (c) => {
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
  });
