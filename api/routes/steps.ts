// The step library at /v1/step-library: everyone reads and searches; engineers add, rate and use steps; authors and team admins edit.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../lib/http.js';
import { authOf, requireRole, validate, withTenant } from '../lib/http.js';
import { createStep, deleteStep, getStep, listSteps, rateStep, ratingInput, stepInput, stepPatch, stepQuery, unrateStep, updateStep, useStep } from '../services/steps.js';

const idParam = z.object({ id: z.string().uuid('must be a step id') });

export const stepRoutes = new Hono<AppEnv>()
  .get('/', validate('query', stepQuery), async (c) => {
    const q = c.req.valid('query');
    return c.json({ steps: await withTenant(c, (tx) => listSteps(tx, authOf(c).userId, q)) });
  })
  .post('/', requireRole('engineer'), validate('json', stepInput), async (c) => {
    const body = c.req.valid('json');
    return c.json({ step: await withTenant(c, (tx) => createStep(tx, authOf(c), body)) }, 201);
  })
  .get('/:id', validate('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    return c.json({ step: await withTenant(c, (tx) => getStep(tx, authOf(c).userId, id)) });
  })
  .patch('/:id', requireRole('engineer'), validate('param', idParam), validate('json', stepPatch), async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    return c.json({ step: await withTenant(c, (tx) => updateStep(tx, authOf(c), id, body)) });
  })
  .delete('/:id', requireRole('engineer'), validate('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    await withTenant(c, (tx) => deleteStep(tx, authOf(c), id));
    return c.json({ deleted: true });
  })
  .put('/:id/rating', requireRole('engineer'), validate('param', idParam), validate('json', ratingInput), async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    return c.json({ step: await withTenant(c, (tx) => rateStep(tx, authOf(c), id, body)) });
  })
  .delete('/:id/rating', requireRole('engineer'), validate('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    return c.json({ step: await withTenant(c, (tx) => unrateStep(tx, authOf(c), id)) });
  })
  // The node to insert into a flow (fresh id, options unconnected); counts the use.
  .post('/:id/use', requireRole('engineer'), validate('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    return c.json({ node: await withTenant(c, (tx) => useStep(tx, id)) });
  });
