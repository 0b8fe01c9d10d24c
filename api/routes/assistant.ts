// The standalone assistant: the same Ask, not tied to a ticket (POST /v1/assistant/ask, conversations per user).
import { Hono } from 'hono';
import { callsOut } from '../lib/idempotency.js';
import { z } from 'zod';
import type { AppEnv } from '../lib/http.js';
import { authOf, validate, withTenant } from '../lib/http.js';
import { conversationTurns, listStandaloneConversations, standaloneConversation } from '../services/ai/ask.js';
import { answerAsk } from './ask-stream.js';
import { askBody } from './sessions/ask.js';

const assistantAskBody = askBody.extend({ conversationId: z.string().uuid('must be a conversation id').optional() }).strict();
const idParam = z.object({ id: z.string().uuid('must be a conversation id') });
const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });

export const assistantRoutes = new Hono<AppEnv>()
  .post('/ask', callsOut(), validate('json', assistantAskBody), async (c) => {
    const { question, tier, conversationId } = c.req.valid('json');
    const userId = authOf(c).userId;
    return answerAsk(c, {
      target: { conversationId },
      question,
      tier,
      check: async () => conversationId && (await withTenant(c, (tx) => standaloneConversation(tx, conversationId, userId))),
    });
  })
  .get('/conversations', validate('query', listQuery), async (c) => {
    const { limit } = c.req.valid('query');
    const conversations = await withTenant(c, (tx) => listStandaloneConversations(tx, authOf(c).userId, limit));
    return c.json({ conversations });
  })
  .get('/conversations/:id', validate('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    const out = await withTenant(c, async (tx) => {
      const conv = await standaloneConversation(tx, id, authOf(c).userId);
      return { conversation: { id: conv.id, title: conv.title, createdAt: conv.created_at.toISOString(), updatedAt: conv.updated_at.toISOString() }, turns: await conversationTurns(tx, id) };
    });
    return c.json(out);
  });
