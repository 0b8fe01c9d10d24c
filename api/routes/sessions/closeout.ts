// Closing a ticket from the panel: the board's statuses, close-out as one action, and what helps before it.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../lib/http.js';
import { authOf, tenantOf, validate, withTenant } from '../../lib/http.js';
import { callsOut } from '../../lib/idempotency.js';
import { sessionBoardStatuses } from '../../services/psa/board-statuses.js';
import { closeOut } from '../../services/psa/closeout.js';
import { escalateAndPost, previewEscalation } from '../../services/psa/escalation.js';
import { NOTE_FORMATS, type NoteFormat } from '../../services/notes/index.js';
import { MAX_MINUTES } from '../../services/psa/time-entry.js';
import { deleteLaneItem, editLaneItem } from '../../services/sessions/timeline.js';
import { companyHistory, proposeFixFrom, similarResolved } from '../../services/sessions/history.js';
import { fixView, getSession, sessionDetail } from '../../services/sessions/index.js';
import { targetGrid } from '../../services/sessions/targets.js';
import { idParam } from './params.js';

const itemParam = z.object({ id: z.string().uuid('must be a session id'), itemId: z.string().regex(/^li_[0-9a-f]{12}$/, 'must be a timeline item id') });

const flags = z.object({ internal: z.boolean().optional(), discussion: z.boolean().optional(), resolution: z.boolean().optional() }).strict();
const reason = z.string().trim().min(1).max(2000);

const previewBody = z
  .object({ reason, format: z.enum(NOTE_FORMATS as [NoteFormat, ...NoteFormat[]]).optional(), flags: flags.optional(), emailCustomer: z.boolean().default(false) })
  .strict();

const escalationBody = z
  .object({
    reason,
    flags: flags.optional(),
    text: z.string().max(60_000).optional(),
    emailCustomer: z.boolean().default(false),
    boardId: z.number().int().positive().optional(),
    statusId: z.number().int().positive().optional(),
  })
  .strict();

const closeOutBody = z
  .object({
    rootCause: z.string().trim().max(5000).nullish(),
    flags: flags.optional(),
    text: z.string().max(60_000).optional(),
    statusId: z.number().int().positive().optional(),
    emailCustomer: z.boolean().default(false),
    minutes: z.number().int('must be whole minutes').min(0).max(MAX_MINUTES).optional(),
  })
  .strict();

export const closeoutRoutes = new Hono<AppEnv>()
  // The status picker: the ticket's current status and its board's active statuses (cached per board).
  .get('/:id/board-statuses', validate('param', idParam), validate('query', z.object({ refresh: z.enum(['0', '1']).optional() })), async (c) => {
    return c.json(await sessionBoardStatuses(c.get('deps'), tenantOf(c), c.req.valid('param').id, { refresh: c.req.valid('query').refresh === '1' }));
  })
  // One confirm: note, time, status, resolve — each once, each reported; calling again retries what is not done.
  .post('/:id/close-out', callsOut(), validate('param', idParam), validate('json', closeOutBody), async (c) => {
    const { id } = c.req.valid('param');
    const result = await closeOut(c.get('deps'), tenantOf(c), authOf(c), id, c.req.valid('json'));
    const session = await withTenant(c, (tx) => sessionDetail(tx, id));
    return c.json({ ...result, session });
  })
  // As the session opens: the top three resolved sessions of similar tickets, with the fix that worked.
  .get('/:id/similar', validate('param', idParam), async (c) => {
    return c.json({ similar: await withTenant(c, (tx) => similarResolved(tx, c.req.valid('param').id)) });
  })
  // The same company's latest sessions.
  .get('/:id/company-history', validate('param', idParam), async (c) => {
    return c.json({ sessions: await withTenant(c, (tx) => companyHistory(tx, c.req.valid('param').id)) });
  })
  // "Use this fix": a past session's accepted fix becomes this session's proposal, with its provenance.
  .post('/:id/fixes/from-session', validate('param', idParam), validate('json', z.object({ sessionId: z.string().uuid('must be a session id') }).strict()), async (c) => {
    const { id } = c.req.valid('param');
    const auth = authOf(c);
    const result = await withTenant(c, (tx) => proposeFixFrom(tx, id, c.req.valid('json').sessionId, auth.userId));
    return c.json({ fix: fixView(result.fix), stateVersion: result.stateVersion }, 201);
  })
  // The engineer's own timeline entries: corrected or removed by their author or a team admin.
  .patch('/:id/events/:itemId', validate('param', itemParam), validate('json', z.object({ text: z.string().trim().min(1).max(20_000) }).strict()), async (c) => {
    const { id, itemId } = c.req.valid('param');
    const auth = authOf(c);
    return c.json(await withTenant(c, (tx) => editLaneItem(tx, id, itemId, auth, c.req.valid('json').text)));
  })
  .delete('/:id/events/:itemId', validate('param', itemParam), async (c) => {
    const { id, itemId } = c.req.valid('param');
    const auth = authOf(c);
    return c.json(await withTenant(c, (tx) => deleteLaneItem(tx, id, itemId, auth)));
  })
  // Escalation: the package with the reason being typed and where it goes (nothing changes) …
  .post('/:id/escalation/preview', validate('param', idParam), validate('json', previewBody), async (c) => {
    const { id } = c.req.valid('param');
    const b = c.req.valid('json');
    return c.json(await withTenant(c, (tx) => previewEscalation(tx, id, b.reason, { format: b.format, flags: b.flags, emailCustomer: b.emailCustomer })));
  })
  // … then one action: escalate, post the package exactly once, move the ticket to the next tier if asked.
  .post('/:id/escalation/send', callsOut(), validate('param', idParam), validate('json', escalationBody), async (c) => {
    const { id } = c.req.valid('param');
    const result = await escalateAndPost(c.get('deps'), tenantOf(c), authOf(c), id, c.req.valid('json'));
    const session = await withTenant(c, (tx) => sessionDetail(tx, id));
    return c.json({ ...result, session });
  })
  // Maintenance runs: the step × target grid (each cell done, failed or skipped, with its note).
  .get('/:id/targets', validate('param', idParam), async (c) => {
    const session = await withTenant(c, (tx) => getSession(tx, c.req.valid('param').id));
    return c.json(targetGrid(session.pending_task_lane));
  });
