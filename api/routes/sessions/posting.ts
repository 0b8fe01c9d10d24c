// Posting to ConnectWise from a session, each exactly once: the resolution note, the escalation package
// and the session's worked time.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppContext, AppEnv } from '../../lib/http.js';
import { callsOut } from '../../lib/idempotency.js';
import { authOf, tenantOf, validate } from '../../lib/http.js';
import { postSessionNote, type NoteKind } from '../../services/psa/posting.js';
import { logSessionTime, MAX_MINUTES } from '../../services/psa/time-entry.js';
import { idParam } from './params.js';

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

async function postNote(c: AppContext, kind: NoteKind, id: string, b: z.output<typeof postBody>) {
  const result = await postSessionNote(c.get('deps'), tenantOf(c), authOf(c), id, kind, {
    text: b.text,
    internal: b.internal,
    resolution: b.resolution,
    notifyCustomer: b.notifyCustomer ?? b.processNotifications,
    ticketStatus: b.status,
    ticketStatusId: b.statusId,
  });
  return c.json({ note: result.note, ...(result.statusChange ? { statusChange: result.statusChange } : {}) }, result.created ? 201 : 200);
}

export const postingRoutes = new Hono<AppEnv>()
  .post('/:id/resolution-note/post', callsOut(), validate('param', idParam), validate('json', postBody), (c) =>
    postNote(c, 'resolution_note', c.req.valid('param').id, c.req.valid('json')),
  )
  .post('/:id/escalation/post', callsOut(), validate('param', idParam), validate('json', postBody), (c) =>
    postNote(c, 'escalation_package', c.req.valid('param').id, c.req.valid('json')),
  )
  .post('/:id/time-entry', callsOut(), validate('param', idParam), validate('json', timeEntryBody), async (c) => {
    const result = await logSessionTime(c.get('deps'), tenantOf(c), authOf(c), c.req.valid('param').id, c.req.valid('json'));
    if (!result.created) return c.json({ alreadyLogged: true, externalId: result.externalId, timeEntry: result.entry }, 200);
    return c.json({ alreadyLogged: false, externalId: result.entry.externalId, timeEntry: result.entry }, 201);
  });
