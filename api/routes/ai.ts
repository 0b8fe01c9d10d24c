// AI flow builder and the knowledge flywheel: POST /v1/flows/generate, GET /v1/flow-proposals (+ analyse, approve, dismiss).
import { Hono } from 'hono';
import { z } from 'zod';
import type { Tx } from '../db/database.js';
import { AppError, conflict, notFound } from '../lib/errors.js';
import type { AppEnv } from '../lib/http.js';
import { authOf, requireRole, validate, withTenant } from '../lib/http.js';
import { DraftRejected, generateFlow } from '../services/ai/flow-builder.js';
import { analyseAccount, proposalSources, proposalView, type ProposalRow } from '../services/ai/flywheel.js';
import { redactorFor } from '../services/ai/privacy.js';
import { recordUsage, zeroUsage } from '../services/ai/usage.js';
import type { LlmUsage } from '../services/ai/types.js';
import { createFlow, FLOW_KINDS, flowView } from '../services/flows/index.js';
import { readPreferences } from '../services/settings.js';

const generateBody = z.object({ prompt: z.string().trim().min(3).max(2000), kind: z.enum(FLOW_KINDS).optional() }).strict();
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

export const aiRoutes = new Hono<AppEnv>()
  .post('/flows/generate', requireRole('engineer'), validate('json', generateBody), async (c) => {
    const body = c.req.valid('json');
    const auth = authOf(c);
    const deps = c.get('deps');
    const prefs = await withTenant(c, (tx) => readPreferences(tx));
    const started = performance.now();
    const usageOf = (e: unknown) => (e as { usage?: LlmUsage; attempts?: number } | null) ?? {};
    const record = (tier: 'offline' | 'deep', outcome: 'ok' | 'repaired' | 'fallback' | 'error', usage: LlmUsage, attempts: number, model: string | null, reason: string | null) =>
      withTenant(c, (tx) =>
        recordUsage(tx, {
          accountId: auth.accountId,
          userId: auth.userId,
          feature: 'flow_builder',
          tier,
          routedTier: deps.ai?.llm ? 'deep' : 'offline',
          provider: deps.ai?.llm ? 'anthropic' : 'offline',
          model,
          outcome,
          fallbackReason: reason,
          usage,
          attempts,
          latencyMs: performance.now() - started,
        }),
      );
    try {
      const result = await generateFlow({
        llm: deps.ai?.llm,
        model: prefs.ai.deepModel,
        log: deps.log,
        prompt: body.prompt,
        kind: body.kind,
        redact: redactorFor(prefs),
        tenant: (fn) => withTenant(c, fn),
        signal: c.req.raw.signal,
      });
      const outcome = result.origin === 'model' ? (result.repaired ? 'repaired' : 'ok') : deps.ai?.llm ? 'fallback' : 'ok';
      await record(result.origin === 'model' ? 'deep' : 'offline', outcome, result.usage, result.attempts, result.model ?? (deps.ai?.llm ? prefs.ai.deepModel : null), result.fallbackReason);
      const { usage: _usage, attempts: _attempts, ...view } = result;
      return c.json({ ...view, tier: result.origin === 'model' ? 'deep' : 'offline' });
    } catch (err) {
      if (!(err instanceof DraftRejected)) throw err;
      const u = usageOf(err);
      await record('deep', 'error', u.usage ?? zeroUsage(), u.attempts ?? 0, prefs.ai.deepModel, err.message.slice(0, 300));
      throw new AppError(422, 'invalid_flow', `${err.message}. Rephrase the request or start from a library flow.`);
    }
  })
  .get('/flow-proposals', requireRole('team_admin'), validate('query', listQuery), async (c) => {
    const { status } = c.req.valid('query');
    const proposals = await withTenant(c, async (tx) => {
      const rows = await tx<ProposalRow[]>`select * from flow_proposals where status = ${status} order by created_at desc limit 200`;
      const sourcesOf = await proposalSources(tx, rows);
      return rows.map((r) => ({ ...proposalView(r), sources: sourcesOf(r) }));
    });
    return c.json({ proposals });
  })
  .post('/flow-proposals/analyse', requireRole('team_admin'), validate('json', analyseBody.default({ minClusterSize: 3 })), async (c) => {
    const { minClusterSize } = c.req.valid('json');
    const auth = authOf(c);
    const deps = c.get('deps');
    const result = await analyseAccount({
      llm: deps.ai?.llm,
      log: deps.log,
      accountId: auth.accountId,
      userId: auth.userId,
      minClusterSize,
      tenant: (fn) => withTenant(c, fn),
      signal: c.req.raw.signal,
    });
    return c.json({ proposals: result.proposals.map(proposalView), clustersFound: result.clustersFound }, result.proposals.length ? 201 : 200);
  })
  .post('/flow-proposals/:id/approve', requireRole('team_admin'), validate('param', idParam), async (c) => {
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
  .post('/flow-proposals/:id/dismiss', requireRole('team_admin'), validate('param', idParam), validate('json', dismissBody.default({})), async (c) => {
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
