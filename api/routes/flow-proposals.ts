// The knowledge flywheel: proposed flows from clusters of resolved sessions (GET /v1/flow-proposals,
// analyse, approve, dismiss), all for team admins.
import { Hono } from 'hono';
import { z } from 'zod';
import type { Tx } from '../db/database.js';
import { conflict, notFound } from '../lib/errors.js';
import type { AppEnv } from '../lib/http.js';
import { callsOut } from '../lib/idempotency.js';
import { authOf, requireRole, tenantOf, validate, withTenant } from '../lib/http.js';
import { analyseAccount, proposalSources, proposalView, type ProposalRow } from '../services/ai/flywheel.js';
import { createFlow, FLOW_KINDS, flowView } from '../services/flows/index.js';

const listQuery = z.object({ status: z.enum(['pending', 'approved', 'dismissed']).default('pending') });
const analyseBody = z.object({ minClusterSize: z.number().int().min(2).max(50).default(3) }).strict();
const idParam = z.object({ id: z.string().uuid('must be a flow proposal id') });
const dismissBody = z.object({ reason: z.string().trim().min(1).max(500).optional() }).strict();

async function lockedPending(tx: Tx, id: string): Promise<ProposalRow> {
  const [row] = await tx<[ProposalRow?]>`select * from flow_proposals where id = ${id} for update`;
  if (!row) throw notFound('Flow proposal');
  if (row.status !== 'pending') throw conflict(`This proposal was already ${row.status}.`, 'proposal_decided');
  return row;
}

export const flowProposalRoutes = new Hono<AppEnv>()
  .get('/', requireRole('team_admin'), validate('query', listQuery), async (c) => {
    const { status } = c.req.valid('query');
    const proposals = await withTenant(c, async (tx) => {
      const rows = await tx<ProposalRow[]>`select * from flow_proposals where status = ${status} order by created_at desc limit 200`;
      const sourcesOf = await proposalSources(tx, rows);
      return rows.map((r) => ({ ...proposalView(r), sources: sourcesOf(r) }));
    });
    return c.json({ proposals });
  })
  .post('/analyse', callsOut(), requireRole('team_admin'), validate('json', analyseBody.default({ minClusterSize: 3 })), async (c) => {
    const { minClusterSize } = c.req.valid('json');
    const auth = authOf(c);
    const deps = c.get('deps');
    const result = await analyseAccount({
      llm: deps.ai?.llm,
      log: deps.log,
      accountId: auth.accountId,
      userId: auth.userId,
      minClusterSize,
      tenant: tenantOf(c),
      signal: c.req.raw.signal,
    });
    return c.json({ proposals: result.proposals.map(proposalView), clustersFound: result.clustersFound }, result.proposals.length ? 201 : 200);
  })
  .post('/:id/approve', requireRole('team_admin'), validate('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    const auth = authOf(c);
    const result = await withTenant(c, async (tx) => {
      const p = await lockedPending(tx, id);
      // createFlow validates the graph again: an approved proposal is a flow like any other.
      const flow = await createFlow(tx, auth.accountId, auth.userId, { kind: p.kind as (typeof FLOW_KINDS)[number], title: p.title, description: p.description, tags: p.tags, graph: p.graph });
      const [row] = await tx<[ProposalRow]>`
        update flow_proposals set status = 'approved', flow_id = ${flow.id}, decided_by = ${auth.userId}, decided_at = now() where id = ${id} returning *`;
      return { flow: flowView(flow), proposal: proposalView(row) };
    });
    return c.json(result, 201);
  })
  .post('/:id/dismiss', requireRole('team_admin'), validate('param', idParam), validate('json', dismissBody.default({})), async (c) => {
    const { id } = c.req.valid('param');
    const { reason } = c.req.valid('json');
    const auth = authOf(c);
    const proposal = await withTenant(c, async (tx) => {
      await lockedPending(tx, id);
      const [row] = await tx<[ProposalRow]>`
        update flow_proposals set status = 'dismissed', dismiss_reason = ${reason ?? null}, decided_by = ${auth.userId}, decided_at = now()
        where id = ${id} returning *`;
      return proposalView(row);
    });
    return c.json({ proposal });
  });
