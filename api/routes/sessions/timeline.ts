// A session's timeline: recording the current step of its flow, and free notes, commands and observations.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../lib/http.js';
import { authOf, validate, withTenant } from '../../lib/http.js';
import { recordEvent, walkStep } from '../../services/sessions/steps.js';
import { idParam, optionalText, text } from './params.js';

const stepBody = z.object({
  nodeId: text(200),
  optionId: text(200).optional(),
  note: optionalText(5000),
  // Maintenance runs: what this step did on each target.
  targets: z.array(z.object({ name: text(200), result: z.enum(['done', 'failed', 'skipped']), note: text(1000).optional() })).max(500).optional(),
});
const eventBody = z.object({ kind: z.enum(['note', 'command', 'observation']), text: text(20_000) });

export const timelineRoutes = new Hono<AppEnv>()
  .post('/:id/steps', validate('param', idParam), validate('json', stepBody), async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const auth = authOf(c);
    const result = await withTenant(c, (tx) => walkStep(tx, id, auth.userId, body));
    return c.json(result, 201);
  })
  .post('/:id/events', validate('param', idParam), validate('json', eventBody), async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const auth = authOf(c);
    const result = await withTenant(c, (tx) => recordEvent(tx, id, auth.userId, body));
    return c.json(result, 201);
  });
