// A session's conversation with the copilot (POST/GET /v1/sessions/:id/ask) and thumbs up/down on its suggestions, answers and fixes (…/feedback).
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../lib/http.js';
import { authOf, validate, withTenant } from '../../lib/http.js';
import { callsOut } from '../../lib/idempotency.js';
import { conversationTurns, sessionConversationId } from '../../services/ai/ask.js';
import { FEEDBACK_TARGETS, feedbackView, myFeedback, recordFeedback } from '../../services/feedback.js';
import { getSession } from '../../services/sessions/index.js';
import { answerAsk } from '../ask-stream.js';

const idParam = z.object({ id: z.string().uuid('must be a session id') });
export const askBody = z
  .object({
    question: z.string().trim().min(1, 'ask something').max(2000),
    /** "auto" (default) lets the router decide; the panel's "think harder" sends "deep". */
    tier: z.enum(['auto', 'offline', 'fast', 'deep']).default('auto'),
  })
  .strict();
const feedbackBody = z
  .object({
    target: z.enum(FEEDBACK_TARGETS),
    /** The answer's turn id or the fix id; for a suggestion, any id the panel gave it (or none: the latest). */
    targetId: z.string().trim().min(1).max(100).optional(),
    rating: z.enum(['up', 'down']),
    comment: z.string().trim().max(2000).nullish(),
  })
  .strict()
  .refine((b) => b.target === 'suggestion' || b.targetId !== undefined, { message: 'an answer or a fix needs its targetId', path: ['targetId'] })
  .refine((b) => b.target === 'suggestion' || z.string().uuid().safeParse(b.targetId).success, { message: 'must be an answer or fix id', path: ['targetId'] });

export const sessionAskRoutes = new Hono<AppEnv>()
  .post('/:id/ask', callsOut(), validate('param', idParam), validate('json', askBody), async (c) => {
    const { id } = c.req.valid('param');
    const { question, tier } = c.req.valid('json');
    return answerAsk(c, { target: { sessionId: id }, question, tier, check: () => withTenant(c, (tx) => getSession(tx, id)) });
  })
  .get('/:id/ask', validate('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    const out = await withTenant(c, async (tx) => {
      const conversationId = await sessionConversationId(tx, id);
      return { conversationId, turns: conversationId ? await conversationTurns(tx, conversationId) : [] };
    });
    return c.json(out);
  })
  .post('/:id/feedback', validate('param', idParam), validate('json', feedbackBody), async (c) => {
    const { id } = c.req.valid('param');
    const auth = authOf(c);
    const row = await withTenant(c, (tx) => recordFeedback(tx, auth.accountId, auth.userId, id, c.req.valid('json')));
    return c.json({ feedback: feedbackView(row) }, row.created ? 201 : 200);
  })
  .get('/:id/feedback', validate('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    const feedback = await withTenant(c, (tx) => myFeedback(tx, authOf(c).userId, id));
    return c.json({ feedback });
  });
