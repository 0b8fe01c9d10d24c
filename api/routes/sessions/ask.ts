// A session's conversation with the copilot (POST/GET /v1/sessions/:id/ask).
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../lib/http.js';
import { validate, withTenant } from '../../lib/http.js';
import { conversationTurns, sessionConversationId } from '../../services/ai/ask.js';
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
export const sessionAskRoutes = new Hono<AppEnv>()
  .post('/:id/ask', validate('param', idParam), validate('json', askBody), async (c) => {
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
  });
