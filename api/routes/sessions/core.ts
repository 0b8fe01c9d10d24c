// A session itself: open (or resume) one on a ticket, list, read, patch, resolve and escalate.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../lib/http.js';
import { authOf, validate, withTenant } from '../../lib/http.js';
import { sessionDetail, sessionSummaryView } from '../../services/sessions/index.js';
import { escalateSession, patchSession, resolveSession } from '../../services/sessions/lifecycle.js';
import { listSessions, openSession } from '../../services/sessions/open.js';
import { draftView } from '../../services/sessions/templates.js';
import { idParam, optionalText, text, uuid } from './params.js';

export const ticketSchema = z.object({
  psa: z.literal('connectwise').default('connectwise'),
  externalId: z.string().trim().regex(/^\d{1,12}$/, 'must be a ConnectWise ticket number'),
  summary: optionalText(500),
  company: optionalText(300),
  contact: optionalText(300),
  board: optionalText(300),
  status: optionalText(200),
  priority: optionalText(200),
  description: optionalText(20_000),
  url: optionalText(2000),
});

const createBody = z.object({ ticket: ticketSchema, flowId: uuid('flow').nullish() });
const listQuery = z.object({
  ticket: z.string().regex(/^\d{1,12}$/).optional(),
  status: z.enum(['active', 'paused', 'resolved', 'escalated', 'abandoned']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const patchBody = z
  .object({
    status: z.enum(['active', 'paused', 'abandoned']).optional(),
    flowId: uuid('flow').nullable().optional(),
    rootCause: z.string().trim().max(5000).nullable().optional(),
    /** What the page shows of the ticket now: fills the fields the session lacks, never overwrites. */
    ticket: ticketSchema.omit({ psa: true, externalId: true }).optional(),
  })
  .refine((b) => b.status !== undefined || b.flowId !== undefined || b.rootCause !== undefined || b.ticket !== undefined, 'give status, flowId, rootCause or ticket');

export const coreRoutes = new Hono<AppEnv>()
  .post('/', validate('json', createBody), async (c) => {
    const { ticket, flowId } = c.req.valid('json');
    const auth = authOf(c);
    const result = await withTenant(c, (tx) => openSession(tx, auth, ticket, flowId));
    return c.json({ session: result.session }, result.created ? 201 : 200);
  })
  .get('/', validate('query', listQuery), async (c) => {
    const q = c.req.valid('query');
    const rows = await withTenant(c, (tx) => listSessions(tx, q));
    return c.json({ sessions: rows.map(sessionSummaryView) });
  })
  .get('/:id', validate('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    return c.json({ session: await withTenant(c, (tx) => sessionDetail(tx, id)) });
  })
  .patch('/:id', validate('param', idParam), validate('json', patchBody), async (c) => {
    const { id } = c.req.valid('param');
    const patch = c.req.valid('json');
    const auth = authOf(c);
    const session = await withTenant(c, async (tx) => {
      await patchSession(tx, id, auth.userId, patch);
      return sessionDetail(tx, id);
    });
    return c.json({ session });
  })
  .post('/:id/resolve', validate('param', idParam), validate('json', z.object({ rootCause: z.string().trim().max(5000).nullish() }).default({})), async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const auth = authOf(c);
    const result = await withTenant(c, async (tx) => {
      const r = await resolveSession(tx, id, auth.userId, { rootCause: body.rootCause });
      return {
        session: await sessionDetail(tx, id),
        drafts: r.drafts.map(draftView),
        reusedTemplateIds: r.reusedTemplateIds,
        note: { format: r.note.format, text: r.note.text, stateVersion: r.note.stateVersion, redactionCount: r.note.redactionCount },
      };
    });
    return c.json(result);
  })
  .post('/:id/escalate', validate('param', idParam), validate('json', z.object({ reason: text(2000) })), async (c) => {
    const { id } = c.req.valid('param');
    const { reason } = c.req.valid('json');
    const auth = authOf(c);
    const result = await withTenant(c, async (tx) => {
      const r = await escalateSession(tx, id, auth.userId, reason);
      return {
        session: await sessionDetail(tx, id),
        package: { format: r.package.format, text: r.package.text, stateVersion: r.package.stateVersion, redactionCount: r.package.redactionCount },
      };
    });
    return c.json(result);
  });
