// "What we know" on a session: its facts, each from the ticket, a timeline item or the engineer.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../lib/http.js';
import { authOf, validate, withTenant } from '../../lib/http.js';
import { addFact, factView } from '../../services/sessions/index.js';
import { editFact, listFacts, removeFact } from '../../services/sessions/facts.js';
import { idParam, text, uuid } from './params.js';

const factParam = z.object({ id: uuid('session'), factId: uuid('fact') });
const addBody = z.object({ text: text(2000), sourceRef: z.string().max(100).nullish(), origin: z.enum(['user', 'copilot']).default('user') });

export const factRoutes = new Hono<AppEnv>()
  .get('/:id/facts', validate('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    const facts = await withTenant(c, (tx) => listFacts(tx, id));
    return c.json({ facts: facts.map(factView) });
  })
  .post('/:id/facts', validate('param', idParam), validate('json', addBody), async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const auth = authOf(c);
    const added = await withTenant(c, (tx) => addFact(tx, id, { text: body.text, sourceRef: body.sourceRef ?? null, origin: body.origin, createdBy: auth.userId }));
    return c.json({ fact: factView(added.fact), stateVersion: added.stateVersion }, 201);
  })
  .patch('/:id/facts/:factId', validate('param', factParam), validate('json', z.object({ text: text(2000) })), async (c) => {
    const { id, factId } = c.req.valid('param');
    const body = c.req.valid('json');
    const edited = await withTenant(c, (tx) => editFact(tx, id, factId, body.text));
    return c.json({ fact: factView(edited.fact), stateVersion: edited.stateVersion });
  })
  .delete('/:id/facts/:factId', validate('param', factParam), async (c) => {
    const { id, factId } = c.req.valid('param');
    const { stateVersion } = await withTenant(c, (tx) => removeFact(tx, id, factId));
    return c.json({ ok: true, stateVersion });
  });
