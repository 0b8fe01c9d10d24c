// Sessions on tickets: create/resume, the timeline (steps, events), facts and suggested fixes.
import { Hono } from 'hono';
import { z } from 'zod';
import type { Tx } from '../db/database.js';
import { conflict, notFound, unprocessable } from '../lib/errors.js';
import { NOTE_FORMATS, renderEscalationPackage, renderResolutionNote, revealSpot, type NoteFormat, type RenderedNote } from '../services/notes/index.js';
import { readPreferences } from '../services/settings.js';
import { withBriefing, type StoredBriefing } from '../services/ai/briefing.js';
import { escalateSession, patchSession, resolveSession } from '../services/sessions/lifecycle.js';
import { createShareLink, listShareLinks, readSharedSnapshot, revokeShareLink } from '../services/sharing.js';
import { draftView, templateFromFix } from '../services/sessions/templates.js';
import type { AppEnv } from '../lib/http.js';
import { authOf, requireRole, validate, withTenant, type AppContext } from '../lib/http.js';
import { findNode, type FlowGraph } from '../services/flow-graph.js';
import {
  activeFix,
  appendLane,
  addFact,
  checkSourceRef,
  factView,
  fixView,
  getSession,
  lockForWrite,
  sessionDetail,
  sessionSummaryView,
  type FactRow,
  type FixRow,
  type SessionRow,
} from '../services/sessions/index.js';

const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => z.string().trim().max(max).nullish();
const uuid = (what: string) => z.string().uuid(`must be a ${what} id`);

export const ticketSchema = z.object({
  psa: z.literal('connectwise').default('connectwise'),
  externalId: z.string().trim().regex(/^\d{1,12}$/, 'must be a ConnectWise ticket number'),
  summary: optionalText(500),
  company: optionalText(300),
  contact: optionalText(300),
  board: optionalText(300),
  status: optionalText(200),
  priority: optionalText(200),
  description: optionalText(20_000),
  url: optionalText(2000),
});

const createBody = z.object({ ticket: ticketSchema, flowId: uuid('flow').nullish() });
const listQuery = z.object({
  ticket: z.string().regex(/^\d{1,12}$/).optional(),
  status: z.enum(['active', 'paused', 'resolved', 'escalated', 'abandoned']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const idParam = z.object({ id: uuid('session') });
const spotParam = z.object({ id: uuid('session'), spotId: z.string().regex(/^[0-9a-f]{20}$/, 'must be a redaction spot id') });
const factParam = z.object({ id: uuid('session'), factId: uuid('fact') });
const fixParam = z.object({ id: uuid('session'), fixId: uuid('fix') });
const shareParam = z.object({ id: uuid('session'), shareId: uuid('share link') });
const decisionSchema = z.enum(['one_off', 'draft_template', 'build_template', 'dismissed']);
type Decision = z.infer<typeof decisionSchema>;

const patchBody = z
  .object({
    status: z.enum(['active', 'paused', 'abandoned']).optional(),
    flowId: uuid('flow').nullable().optional(),
    rootCause: z.string().trim().max(5000).nullable().optional(),
  })
  .refine((b) => b.status !== undefined || b.flowId !== undefined || b.rootCause !== undefined, 'give status, flowId or rootCause');
const noteQuery = z.object({ format: z.enum(NOTE_FORMATS as [NoteFormat, ...NoteFormat[]]).optional() });
const shareBody = z.object({ expiresInHours: z.number().int().min(1).max(24 * 30).default(72) }).default({ expiresInHours: 72 });

/** True when the client's If-None-Match names this version (strong or weak, or "*"). */
function notModified(c: AppContext, version: number): boolean {
  const header = c.req.header('If-None-Match');
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === `"${version}"`;
  });
}

/** A rendered note as JSON, or as the bare document when the client asks for its media type. */
function noteResponse(c: AppContext, note: RenderedNote & { briefing?: StoredBriefing | null }) {
  c.header('ETag', `"${note.stateVersion}"`);
  c.header('Cache-Control', 'private, no-cache');
  const accept = c.req.header('Accept') ?? '';
  if (/text\/(plain|markdown|html)/.test(accept) && !accept.includes('application/json')) {
    return c.body(note.text, 200, { 'Content-Type': note.contentType });
  }
  return c.json({
    note: {
      kind: note.kind,
      format: note.format,
      text: note.text,
      contentType: note.contentType,
      stateVersion: note.stateVersion,
      redactions: note.redactions,
      redactionCount: note.redactionCount,
      // The review list: spot ids (fingerprints, never the text), kinds and marker positions.
      redactionSpots: note.spots,
      // Escalation packages only: the model's briefing (appended to text unless stale), or null.
      ...(note.briefing !== undefined ? { briefing: note.briefing } : {}),
    },
  });
}

async function previewNote(c: AppContext, kind: 'resolution' | 'escalation', id: string, format: NoteFormat | undefined) {
  const result = await withTenant(c, async (tx) => {
    const [row] = await tx<[{ state_version: number }?]>`select state_version from ai_sessions where id = ${id}`;
    if (!row) throw notFound('Session');
    // A matching ETag answers before anything is rendered.
    if (notModified(c, row.state_version)) return { notModified: row.state_version } as const;
    const chosen = format ?? (await readPreferences(tx)).noteFormat;
    if (kind === 'resolution') return { note: await renderResolutionNote(tx, id, chosen) } as const;
    const note = await renderEscalationPackage(tx, id, chosen);
    return { note: { ...note, ...(await withBriefing(tx, id, note.text, note.stateVersion, chosen)) } } as const;
  });
  if ('notModified' in result) {
    c.header('ETag', `"${result.notModified}"`);
    return c.body(null, 304);
  }
  return noteResponse(c, result.note);
}

async function loadFlowSnapshot(tx: Tx, flowId: string) {
  const [flow] = await tx<[{ id: string; version: number; graph: FlowGraph }?]>`
    select id, version, graph from flows where id = ${flowId} and deleted_at is null`;
  if (!flow) throw notFound('Flow');
  return flow;
}

async function decideFix(tx: Tx, session: SessionRow, fixId: string, decision: Decision, userId: string) {
  const [fix] = await tx<[FixRow?]>`select * from session_suggested_fixes where id = ${fixId} and session_id = ${session.id}`;
  if (!fix) throw notFound('Suggested fix');
  if (fix.superseded_at) {
    throw conflict('This suggested fix was superseded by a newer one; decide on the active fix instead.', 'fix_superseded');
  }
  const [updated] = await tx<[FixRow]>`
    update session_suggested_fixes set decision = ${decision}, decided_at = now(), decided_by = ${userId}
    where id = ${fixId} returning *`;
  if (decision === 'draft_template' || decision === 'build_template') await templateFromFix(tx, session, fix, decision, userId);
  return updated;
}

export const sessionRoutes = new Hono<AppEnv>()
  .post('/', validate('json', createBody), async (c) => {
    const { ticket, flowId } = c.req.valid('json');
    const auth = authOf(c);
    const result = await withTenant(c, async (tx) => {
      const flow = flowId ? await loadFlowSnapshot(tx, flowId) : null;
      // One open session per ticket: the partial unique index decides races; the loser gets the winner's row.
      const [created] = await tx<[SessionRow?]>`
        insert into ai_sessions (account_id, user_id, ticket_psa, ticket_external_id, ticket_summary, ticket_company,
          ticket_contact, ticket_board, ticket_status, ticket_priority, ticket_description, ticket_url,
          flow_id, flow_version, flow_graph, current_node_id)
        values (${auth.accountId}, ${auth.userId}, ${ticket.psa}, ${ticket.externalId}, ${ticket.summary ?? null},
          ${ticket.company ?? null}, ${ticket.contact ?? null}, ${ticket.board ?? null}, ${ticket.status ?? null},
          ${ticket.priority ?? null}, ${ticket.description ?? null}, ${ticket.url ?? null},
          ${flow?.id ?? null}, ${flow?.version ?? null}, ${flow ? tx.json(flow.graph as never) : null}, ${flow?.graph.start ?? null})
        on conflict (account_id, ticket_psa, ticket_external_id) where status in ('active', 'paused') do nothing
        returning *`;
      if (created) return { status: 201 as const, session: await sessionDetail(tx, created.id) };
      const [open] = await tx<[SessionRow]>`
        select * from ai_sessions where ticket_psa = ${ticket.psa} and ticket_external_id = ${ticket.externalId}
        and status in ('active', 'paused')`;
      return { status: 200 as const, session: await sessionDetail(tx, open.id) };
    });
    return c.json({ session: result.session }, result.status);
  })
  .get('/', validate('query', listQuery), async (c) => {
    const q = c.req.valid('query');
    const rows = await withTenant(
      c,
      (tx) => tx<SessionRow[]>`
        select * from ai_sessions
        where (${q.ticket ?? null}::text is null or ticket_external_id = ${q.ticket ?? null})
          and (${q.status ?? null}::text is null or status = ${q.status ?? null})
        order by updated_at desc limit ${q.limit}`,
    );
    return c.json({ sessions: rows.map(sessionSummaryView) });
  })
  .get('/:id', validate('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    return c.json({ session: await withTenant(c, (tx) => sessionDetail(tx, id)) });
  })
  .post(
    '/:id/steps',
    validate('param', idParam),
    validate(
      'json',
      z.object({
        nodeId: text(200),
        optionId: text(200).optional(),
        note: optionalText(5000),
        // Maintenance runs: what this step did on each target.
        targets: z.array(z.object({ name: text(200), result: z.enum(['done', 'failed', 'skipped']), note: text(1000).optional() })).max(500).optional(),
      }),
    ),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const auth = authOf(c);
      const result = await withTenant(c, async (tx) => {
        const s = await lockForWrite(tx, id);
        if (!s.flow_graph) throw unprocessable('This session has no flow yet: choose a flow before recording steps.', 'no_flow');
        if (body.nodeId !== s.current_node_id) {
          throw conflict(`Step "${body.nodeId}" is not the current step ("${s.current_node_id ?? 'none'}"); reload the session.`, 'stale_step');
        }
        const node = findNode(s.flow_graph, body.nodeId);
        if (!node) throw unprocessable(`Node "${body.nodeId}" is not in this session's flow.`, 'bad_step');
        const option = body.optionId ? node.options.find((o) => o.id === body.optionId) : undefined;
        if (body.optionId && !option) throw unprocessable(`Option "${body.optionId}" does not belong to step "${node.id}".`, 'bad_step');
        if (!body.optionId && node.options.length > 0) {
          throw unprocessable(`Step "${node.id}" needs one of its options: ${node.options.map((o) => o.id).join(', ')}.`, 'bad_step');
        }
        const item = await appendLane(tx, id, {
          kind: 'step',
          by: auth.userId,
          nodeId: node.id,
          nodeTitle: node.title,
          nodeKind: node.kind,
          optionId: option?.id,
          optionLabel: option?.label,
          command: node.command,
          text: body.note ?? undefined,
          ...(body.targets?.length ? { targets: body.targets } : {}),
        });
        const next = option?.next ?? null;
        await tx`update ai_sessions set current_node_id = ${next} where id = ${id}`;
        return { item, session: await sessionDetail(tx, id) };
      });
      return c.json(result, 201);
    },
  )
  .post(
    '/:id/events',
    validate('param', idParam),
    validate('json', z.object({ kind: z.enum(['note', 'command', 'observation']), text: text(20_000) })),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const auth = authOf(c);
      const result = await withTenant(c, async (tx) => {
        const s = await lockForWrite(tx, id);
        const item = await appendLane(tx, s.id, { kind: body.kind, by: auth.userId, text: body.text });
        return { item, stateVersion: s.state_version };
      });
      return c.json(result, 201);
    },
  )
  .get('/:id/facts', validate('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    const facts = await withTenant(c, async (tx) => {
      await getSession(tx, id);
      return tx<FactRow[]>`select * from session_facts where session_id = ${id} and deleted_at is null order by created_at, id`;
    });
    return c.json({ facts: facts.map(factView) });
  })
  .post(
    '/:id/facts',
    validate('param', idParam),
    validate('json', z.object({ text: text(2000), sourceRef: z.string().max(100).nullish(), origin: z.enum(['user', 'copilot']).default('user') })),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const auth = authOf(c);
      const result = await withTenant(c, async (tx) => {
        const added = await addFact(tx, id, { text: body.text, sourceRef: body.sourceRef ?? null, origin: body.origin, createdBy: auth.userId });
        return { fact: factView(added.fact), stateVersion: added.stateVersion };
      });
      return c.json(result, 201);
    },
  )
  .patch(
    '/:id/facts/:factId',
    validate('param', factParam),
    validate('json', z.object({ text: text(2000) })),
    async (c) => {
      const { id, factId } = c.req.valid('param');
      const body = c.req.valid('json');
      const result = await withTenant(c, async (tx) => {
        const s = await lockForWrite(tx, id);
        const [fact] = await tx<[FactRow?]>`select * from session_facts where id = ${factId} and session_id = ${id} and deleted_at is null`;
        if (!fact) throw notFound('Fact');
        const source = fact.source_ref ? checkSourceRef(s, fact.source_ref) : null;
        if (source && source !== 'ticket' && source.kind === 'step') {
          throw conflict('This fact comes from a step of the flow; change the answer at that step instead.', 'edit_at_source');
        }
        const [updated] = await tx<[FactRow]>`update session_facts set text = ${body.text}, updated_at = now() where id = ${factId} returning *`;
        return { fact: factView(updated), stateVersion: s.state_version };
      });
      return c.json(result);
    },
  )
  .delete('/:id/facts/:factId', validate('param', factParam), async (c) => {
    const { id, factId } = c.req.valid('param');
    const result = await withTenant(c, async (tx) => {
      const s = await lockForWrite(tx, id);
      const [fact] = await tx<[FactRow?]>`
        update session_facts set deleted_at = now() where id = ${factId} and session_id = ${id} and deleted_at is null returning *`;
      if (!fact) throw notFound('Fact');
      return { ok: true, stateVersion: s.state_version };
    });
    return c.json(result);
  })
  .get('/:id/fixes/active', validate('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    const fix = await withTenant(c, async (tx) => {
      await getSession(tx, id);
      return activeFix(tx, id);
    });
    return c.json({ fix: fix ? fixView(fix) : null });
  })
  .post(
    '/:id/fixes',
    validate('param', idParam),
    validate(
      'json',
      z.object({
        title: text(300),
        body: z.string().max(20_000).default(''),
        confidence: z.number().min(0).max(1).nullish(),
        origin: z.enum(['user', 'copilot']).default('user'),
      }),
    ),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const auth = authOf(c);
      const result = await withTenant(c, async (tx) => {
        // lockForWrite holds the session row, so concurrent proposals supersede one another in turn.
        const s = await lockForWrite(tx, id);
        await tx`update session_suggested_fixes set superseded_at = now() where session_id = ${id} and superseded_at is null`;
        const [fix] = await tx<[FixRow]>`
          insert into session_suggested_fixes (account_id, session_id, title, body, confidence, origin, created_by)
          values (${s.account_id}, ${id}, ${body.title}, ${body.body}, ${body.confidence ?? null}, ${body.origin}, ${auth.userId})
          returning *`;
        return { fix: fixView(fix), stateVersion: s.state_version };
      });
      return c.json(result, 201);
    },
  )
  .post('/:id/fixes/:fixId/:action{accept|reject}', validate('param', fixParam.extend({ action: z.enum(['accept', 'reject']) })), async (c) => {
    const { id, fixId, action } = c.req.valid('param');
    const auth = authOf(c);
    const result = await withTenant(c, async (tx) => {
      const s = await lockForWrite(tx, id);
      const fix = await decideFix(tx, s, fixId, action === 'accept' ? 'one_off' : 'dismissed', auth.userId);
      return { fix: fixView(fix), stateVersion: s.state_version };
    });
    return c.json(result);
  })
  .post('/:id/fixes/:fixId/decision', validate('param', fixParam), validate('json', z.object({ decision: decisionSchema })), async (c) => {
    const { id, fixId } = c.req.valid('param');
    const { decision } = c.req.valid('json');
    const auth = authOf(c);
    const result = await withTenant(c, async (tx) => {
      const s = await lockForWrite(tx, id);
      const fix = await decideFix(tx, s, fixId, decision, auth.userId);
      return { fix: fixView(fix), stateVersion: s.state_version };
    });
    return c.json(result);
  })
  .patch('/:id', validate('param', idParam), validate('json', patchBody), async (c) => {
    const { id } = c.req.valid('param');
    const patch = c.req.valid('json');
    const auth = authOf(c);
    const session = await withTenant(c, async (tx) => {
      await patchSession(tx, id, auth.userId, patch);
      return sessionDetail(tx, id);
    });
    return c.json({ session });
  })
  .post('/:id/resolve', validate('param', idParam), validate('json', z.object({ rootCause: z.string().trim().max(5000).nullish() }).default({})), async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const auth = authOf(c);
    const result = await withTenant(c, async (tx) => {
      const r = await resolveSession(tx, id, auth.userId, { rootCause: body.rootCause });
      return {
        session: await sessionDetail(tx, id),
        drafts: r.drafts.map(draftView),
        reusedTemplateIds: r.reusedTemplateIds,
        note: { format: r.note.format, text: r.note.text, stateVersion: r.note.stateVersion, redactionCount: r.note.redactionCount },
      };
    });
    return c.json(result);
  })
  .post('/:id/escalate', validate('param', idParam), validate('json', z.object({ reason: text(2000) })), async (c) => {
    const { id } = c.req.valid('param');
    const { reason } = c.req.valid('json');
    const auth = authOf(c);
    const result = await withTenant(c, async (tx) => {
      const r = await escalateSession(tx, id, auth.userId, reason);
      return {
        session: await sessionDetail(tx, id),
        package: { format: r.package.format, text: r.package.text, stateVersion: r.package.stateVersion, redactionCount: r.package.redactionCount },
      };
    });
    return c.json(result);
  })
  .get('/:id/resolution-note', validate('param', idParam), validate('query', noteQuery), async (c) => {
    return previewNote(c, 'resolution', c.req.valid('param').id, c.req.valid('query').format);
  })
  // Un-hides one redacted spot (a false positive) in this session's note only; bumps state_version (the note's ETag).
  .post('/:id/resolution-note/redactions/:spotId/unhide', validate('param', spotParam), async (c) => {
    const { id, spotId } = c.req.valid('param');
    const auth = authOf(c);
    const result = await withTenant(c, async (tx) => {
      const session = await lockForWrite(tx, id);
      const spot = await revealSpot(tx, auth.accountId, id, spotId, auth.userId);
      return { spot, stateVersion: session.state_version };
    });
    return c.json(result);
  })
  .get('/:id/escalation-package', validate('param', idParam), validate('query', noteQuery), async (c) => {
    return previewNote(c, 'escalation', c.req.valid('param').id, c.req.valid('query').format);
  })
  // Share links (services/sharing.ts): engineers and up mint them (viewers only read); the creator and
  // team admins list and revoke them. The link shows a redacted snapshot taken now.
  .post('/:id/share', requireRole('engineer'), validate('param', idParam), validate('json', shareBody), async (c) => {
    const { id } = c.req.valid('param');
    const { expiresInHours } = c.req.valid('json');
    const deps = c.get('deps');
    const { token, link } = await withTenant(c, (tx) => createShareLink(tx, deps, authOf(c), id, expiresInHours * 3600));
    return c.json({ url: `${deps.config.publicUrl}/v1/shared/${token}`, expiresAt: link.expiresAt, share: link }, 201);
  })
  .get('/:id/shares', validate('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    const shares = await withTenant(c, (tx) => listShareLinks(tx, c.get('deps'), authOf(c), id));
    return c.json({ shares });
  })
  .delete('/:id/shares/:shareId', validate('param', shareParam), async (c) => {
    const { id, shareId } = c.req.valid('param');
    const share = await withTenant(c, (tx) => revokeShareLink(tx, c.get('deps'), authOf(c), id, shareId));
    return c.json({ share });
  });

/**
 * GET /v1/shared/:token — public and read-only. There is no signed-in user: the token names the
 * account (to open its tenant transaction) and the stored link; see services/sharing.ts.
 */
export const sharedRoutes = new Hono<AppEnv>().get(
  '/:token',
  validate('param', z.object({ token: z.string().min(20).max(2000) })),
  validate('query', noteQuery),
  async (c) => {
    const deps = c.get('deps');
    const shared = await readSharedSnapshot(deps, c.req.valid('param').token, c.req.valid('query').format ?? 'markdown');
    c.header('Cache-Control', 'private, no-store');
    c.header('Referrer-Policy', 'no-referrer');
    return c.json(shared);
  },
);
