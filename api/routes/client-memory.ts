// Client memory: GET /v1/client-memory?company= (shown when the company's next ticket opens), engineer-written facts,
// proposals from a resolved session, confirm (again), edit, delete.
import { Hono } from 'hono';
import { callsOut } from '../lib/idempotency.js';
import { z } from 'zod';
import type { AppEnv } from '../lib/http.js';
import { authOf, validate, withTenant } from '../lib/http.js';
import { confirmMemory, createMemory, deleteMemory, editMemory, listMemory, MEMORY_KINDS, memoryState, memoryView } from '../services/client-memory.js';
import { proposeClientMemory } from '../services/ai/memory-proposals.js';

const company = z.string().trim().min(1, 'name the company').max(300);
const factText = z.string().trim().min(3).max(500);
const idParam = z.object({ id: z.string().uuid('must be a client memory id') });
const listQuery = z.object({ company });
const createBody = z.object({ company, kind: z.enum(MEMORY_KINDS).default('other'), text: factText }).strict();
const patchBody = z
  .object({ company: company.optional(), kind: z.enum(MEMORY_KINDS).optional(), text: factText.optional() })
  .strict()
  .refine((b) => b.company !== undefined || b.kind !== undefined || b.text !== undefined, 'change at least one of company, kind, text');
const proposeBody = z.object({ sessionId: z.string().uuid('must be a session id') }).strict();

export const clientMemoryRoutes = new Hono<AppEnv>()
  .get('/', validate('query', listQuery), async (c) => {
    const { company: name } = c.req.valid('query');
    const rows = await withTenant(c, (tx) => listMemory(tx, name, 'all'));
    const now = new Date();
    const group = (state: ReturnType<typeof memoryState>) => rows.filter((r) => memoryState(r, now) === state).map(memoryView);
    return c.json({ company: name, confirmed: group('confirmed'), proposed: group('proposed'), expired: group('expired') });
  })
  .post('/', validate('json', createBody), async (c) => {
    const body = c.req.valid('json');
    const auth = authOf(c);
    const row = await withTenant(c, (tx) => createMemory(tx, auth.accountId, auth.userId, body));
    return c.json({ fact: memoryView(row) }, row.inserted ? 201 : 200);
  })
  .post('/proposals', callsOut(), validate('json', proposeBody), async (c) => {
    const { sessionId } = c.req.valid('json');
    const auth = authOf(c);
    const deps = c.get('deps');
    const result = await proposeClientMemory({
      llm: deps.ai?.llm,
      log: deps.log,
      accountId: auth.accountId,
      userId: auth.userId,
      sessionId,
      tenant: (fn) => withTenant(c, fn),
    });
    return c.json({ origin: result.origin, proposed: result.proposed.map(memoryView), fallbackReason: result.fallbackReason }, 201);
  })
  .post('/:id/confirm', validate('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    const row = await withTenant(c, (tx) => confirmMemory(tx, id, authOf(c).userId));
    return c.json({ fact: memoryView(row) });
  })
  .patch('/:id', validate('param', idParam), validate('json', patchBody), async (c) => {
    const { id } = c.req.valid('param');
    const row = await withTenant(c, (tx) => editMemory(tx, id, c.req.valid('json')));
    return c.json({ fact: memoryView(row) });
  })
  .delete('/:id', validate('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    await withTenant(c, (tx) => deleteMemory(tx, id));
    return c.json({ ok: true });
  });
