// The flow library: list and search, read, create, edit (version bump) and delete flows; re-seed the starters.
// Writes: engineers and up create and edit flows (they write the team's knowledge down as they work);
// deleting a flow and re-seeding the starters take a team admin. Viewers only read (app-wide rule).
// POST /generate (the AI flow builder) is flows/generate.ts.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../lib/http.js';
import { authOf, requireRole, validate, withTenant } from '../../lib/http.js';
import {
  createFlow,
  deleteFlow,
  FLOW_KINDS,
  flowSummaryView,
  flowView,
  getFlow,
  listFlows,
  seedStarterFlows,
  updateFlow,
} from '../../services/flows/index.js';
import { generateRoutes } from './generate.js';

const idParam = z.object({ id: z.string().uuid('must be a flow id') });
const tags = z.array(z.string().trim().min(1).max(60)).max(30);

const listQuery = z.object({
  q: z.string().trim().max(200).optional(),
  kind: z.enum(FLOW_KINDS).optional(),
  tag: z.string().trim().min(1).max(60).optional(),
  category: z.string().trim().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});

// The graph is checked by assertValidFlowGraph (422 naming the bad node); here only that it is an object.
const graph = z.object({}).passthrough();

const createBody = z.object({
  kind: z.enum(FLOW_KINDS),
  title: z.string().trim().min(1).max(200),
  description: z.string().trim().max(5000).default(''),
  category: z.string().trim().min(1).max(100).nullish(),
  tags: tags.default([]),
  graph,
});

const updateBody = z
  .object({
    kind: z.enum(FLOW_KINDS).optional(),
    title: z.string().trim().min(1).max(200).optional(),
    description: z.string().trim().max(5000).optional(),
    category: z.string().trim().min(1).max(100).nullable().optional(),
    tags: tags.optional(),
    graph: graph.optional(),
    /** The version the edit was made on; a mismatch is a 409. */
    version: z.number().int().min(1).optional(),
  })
  .refine((b) => Object.keys(b).some((k) => k !== 'version'), 'nothing to change');

export const flowRoutes = new Hono<AppEnv>()
  // Before /:id, so /generate is never read as a flow id.
  .route('/', generateRoutes)
  .get('/', validate('query', listQuery), async (c) => {
    const query = c.req.valid('query');
    const rows = await withTenant(c, (tx) => listFlows(tx, query));
    return c.json({ flows: rows.map((r) => ({ ...flowSummaryView(r), rank: r.rank })) });
  })
  .post('/', requireRole('engineer'), validate('json', createBody), async (c) => {
    const body = c.req.valid('json');
    const auth = authOf(c);
    const flow = await withTenant(c, (tx) => createFlow(tx, auth.accountId, auth.userId, body));
    return c.json({ flow: flowView(flow) }, 201);
  })
  .post('/seed', requireRole('team_admin'), async (c) => {
    const auth = authOf(c);
    const result = await withTenant(c, (tx) => seedStarterFlows(tx, auth.accountId));
    return c.json(result);
  })
  .get('/:id', validate('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    return c.json({ flow: flowView(await withTenant(c, (tx) => getFlow(tx, id))) });
  })
  .put('/:id', requireRole('engineer'), validate('param', idParam), validate('json', updateBody), async (c) => {
    const { id } = c.req.valid('param');
    const { version, ...patch } = c.req.valid('json');
    const flow = await withTenant(c, (tx) => updateFlow(tx, id, { ...patch, expectedVersion: version }));
    return c.json({ flow: flowView(flow) });
  })
  .delete('/:id', requireRole('team_admin'), validate('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    await withTenant(c, (tx) => deleteFlow(tx, id));
    return c.json({ ok: true });
  });
