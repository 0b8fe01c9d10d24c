// More of the copilot on a session: the ticket summary, the customer reply, the escalation briefing and the outbound preview.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv, AppContext } from '../../lib/http.js';
import { authOf, tenantOf, validate } from '../../lib/http.js';
import { callsOut } from '../../lib/idempotency.js';
import { writeBriefing } from '../../services/ai/briefing.js';
import { draftCustomerReply } from '../../services/ai/customer-reply.js';
import { PURPOSES } from '../../services/ai/outbound.js';
import { outboundPreview } from '../../services/ai/outbound-preview.js';
import { summarizeTicket } from '../../services/ai/ticket-summary.js';
import { postSessionNote } from '../../services/psa/posting.js';
import { idParam } from './params.js';

const replyPostBody = z
  .object({
    /** The reply as the engineer edited it (redacted again before it leaves). */
    text: z.string().trim().min(1).max(8000),
    /** Only an explicit true lets ConnectWise email the customer (processNotifications). */
    emailCustomer: z.boolean().default(false),
  })
  .strict();

const previewQuery = z
  .object({
    purpose: z.enum(PURPOSES),
    /** For purpose=ask: the question, since what is sent (and which sources are found) depends on it. */
    question: z.string().trim().min(1).max(2000).optional(),
  })
  .refine((q) => q.purpose !== 'ask' || q.question !== undefined, { message: 'the preview of a question needs the question', path: ['question'] });

const callOf = (c: AppContext, sessionId: string) => {
  const auth = authOf(c);
  return { deps: c.get('deps'), who: { accountId: auth.accountId, userId: auth.userId }, sessionId, tenant: tenantOf(c), signal: c.req.raw.signal };
};

export const sessionCopilotExtraRoutes = new Hono<AppEnv>()
  .get('/:id/summary', validate('param', idParam), async (c) => c.json(await summarizeTicket(callOf(c, c.req.valid('param').id))))
  .post('/:id/customer-reply', callsOut(), validate('param', idParam), async (c) => c.json(await draftCustomerReply(callOf(c, c.req.valid('param').id))))
  .post('/:id/customer-reply/post', callsOut(), validate('param', idParam), validate('json', replyPostBody), async (c) => {
    const body = c.req.valid('json');
    const result = await postSessionNote(c.get('deps'), tenantOf(c), authOf(c), c.req.valid('param').id, 'customer_reply', {
      text: body.text,
      internal: false,
      resolution: false,
      notifyCustomer: body.emailCustomer,
    });
    return c.json({ note: result.note, emailed: result.note.processNotifications }, result.created ? 201 : 200);
  })
  .get('/:id/outbound-preview', validate('param', idParam), validate('query', previewQuery), async (c) => {
    const auth = authOf(c);
    const who = { accountId: auth.accountId, userId: auth.userId };
    const { purpose, question } = c.req.valid('query');
    return c.json(await outboundPreview(c.get('deps'), tenantOf(c), who, c.req.valid('param').id, purpose, { question }));
  })
  .post('/:id/escalation-briefing', callsOut(), validate('param', idParam), async (c) => c.json(await writeBriefing(callOf(c, c.req.valid('param').id))));
