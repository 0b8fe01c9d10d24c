// Suggested fixes on a session: the active one, proposing a new one, and deciding on it.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../lib/http.js';
import { authOf, validate, withTenant } from '../../lib/http.js';
import { fixView } from '../../services/sessions/index.js';
import { decideFix, FIX_DECISIONS, proposeFix, readActiveFix } from '../../services/sessions/fixes.js';
import { idParam, text, uuid } from './params.js';

const fixParam = z.object({ id: uuid('session'), fixId: uuid('fix') });
const proposeBody = z.object({
  title: text(300),
  body: z.string().max(20_000).default(''),
  confidence: z.number().min(0).max(1).nullish(),
  origin: z.enum(['user', 'copilot']).default('user'),
});

export const fixRoutes = new Hono<AppEnv>()
  .get('/:id/fixes/active', validate('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    const fix = await withTenant(c, (tx) => readActiveFix(tx, id));
    return c.json({ fix: fix ? fixView(fix) : null });
  })
  .post('/:id/fixes', validate('param', idParam), validate('json', proposeBody), async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const auth = authOf(c);
    const result = await withTenant(c, (tx) => proposeFix(tx, id, auth.userId, body));
    return c.json({ fix: fixView(result.fix), stateVersion: result.stateVersion }, 201);
  })
  .post('/:id/fixes/:fixId/:action{accept|reject}', validate('param', fixParam.extend({ action: z.enum(['accept', 'reject']) })), async (c) => {
    const { id, fixId, action } = c.req.valid('param');
    const auth = authOf(c);
    const result = await withTenant(c, (tx) => decideFix(tx, id, fixId, action === 'accept' ? 'one_off' : 'dismissed', auth.userId));
    return c.json({ fix: fixView(result.fix), stateVersion: result.stateVersion });
  })
  .post('/:id/fixes/:fixId/decision', validate('param', fixParam), validate('json', z.object({ decision: z.enum(FIX_DECISIONS) })), async (c) => {
    const { id, fixId } = c.req.valid('param');
    const { decision } = c.req.valid('json');
    const auth = authOf(c);
    const result = await withTenant(c, (tx) => decideFix(tx, id, fixId, decision, auth.userId));
    return c.json({ fix: fixView(result.fix), stateVersion: result.stateVersion });
  });
