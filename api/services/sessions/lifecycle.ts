// A session's lifecycle: active ⇄ paused → resolved | escalated | abandoned, and choosing its flow.
import type { Tx } from '../../db/database.js';
import { conflict, notFound } from '../../lib/errors.js';
import type { FlowGraph } from '../flow-graph.js';
import { renderEscalationPackage, renderResolutionNote } from '../notes/index.js';
import { loadRedactionRules } from '../redaction/index.js';
import { appendLane, lockForWrite, type SessionRow, type SessionStatus, type TicketRef } from './index.js';
import { fillTicket } from './open.js';
import { draftsFromCommands } from './templates.js';

/** The moves PATCH may make; resolve and escalate have their own routes because they produce documents. */
const TRANSITIONS: Record<SessionStatus, readonly SessionStatus[]> = {
  active: ['paused', 'abandoned'],
  paused: ['active', 'abandoned'],
  resolved: [],
  escalated: [],
  abandoned: [],
};

const CLOSED: readonly SessionStatus[] = ['resolved', 'escalated', 'abandoned'];

export function assertTransition(from: SessionStatus, to: SessionStatus) {
  if (!TRANSITIONS[from].includes(to)) {
    throw conflict(
      from === to ? `The session is already ${from}.` : `A ${from} session cannot become ${to}${TRANSITIONS[from].length ? ` (it can become: ${TRANSITIONS[from].join(', ')})` : ''}.`,
      'invalid_transition',
    );
  }
}

export interface SessionPatch {
  status?: 'active' | 'paused' | 'abandoned';
  flowId?: string | null;
  rootCause?: string | null;
  /** Ticket fields the session lacks (the API fills blanks only). */
  ticket?: Partial<TicketRef>;
}

/** Applies a PATCH in one note-changing write (state_version + 1). */
export async function patchSession(tx: Tx, id: string, userId: string, patch: SessionPatch): Promise<SessionRow> {
  const s = await lockForWrite(tx, id);
  if (patch.ticket) await fillTicket(tx, id, patch.ticket);
  if (patch.flowId !== undefined) await chooseFlow(tx, s, patch.flowId, userId);
  if (patch.rootCause !== undefined) {
    await tx`update ai_sessions set root_cause = ${patch.rootCause?.trim() || null} where id = ${id}`;
  }
  if (patch.status !== undefined && patch.status !== s.status) {
    assertTransition(s.status, patch.status);
    await setStatus(tx, s, patch.status, userId);
  } else if (patch.status !== undefined && patch.flowId === undefined && patch.rootCause === undefined) {
    assertTransition(s.status, patch.status); // "pause a paused session" alone is a 409
  }
  const [row] = await tx<[SessionRow]>`select * from ai_sessions where id = ${id}`;
  return row;
}

async function setStatus(tx: Tx, s: SessionRow, to: SessionStatus, userId: string, text?: string) {
  await tx`update ai_sessions set status = ${to}, ended_at = ${CLOSED.includes(to) ? tx`now()` : null} where id = ${s.id}`;
  await appendLane(tx, s.id, { kind: 'status', by: userId, status: to, ...(text ? { text } : {}) });
}

/**
 * Puts a flow on the session (or takes it off with null): the graph is copied as it is now, with its
 * version, so later edits of the flow never move this session. The walk starts at the flow's start.
 */
export async function chooseFlow(tx: Tx, s: SessionRow, flowId: string | null, userId: string) {
  if (flowId === null) {
    await tx`update ai_sessions set flow_id = null, flow_version = null, flow_graph = null, current_node_id = null where id = ${s.id}`;
    await appendLane(tx, s.id, { kind: 'status', by: userId, text: 'Flow removed from the session' });
    return;
  }
  const [flow] = await tx<[{ id: string; title: string; version: number; graph: FlowGraph }?]>`
    select id, title, version, graph from flows where id = ${flowId} and deleted_at is null`;
  if (!flow) throw notFound('Flow');
  if (flow.id === s.flow_id && flow.version === s.flow_version) return;
  await tx`update ai_sessions set flow_id = ${flow.id}, flow_version = ${flow.version}, flow_graph = ${tx.json(flow.graph as never)},
           current_node_id = ${flow.graph.start} where id = ${s.id}`;
  await appendLane(tx, s.id, { kind: 'status', by: userId, text: `Flow chosen: ${flow.title} (version ${flow.version})` });
}

/**
 * Resolves the session: optional root cause, status resolved, every command run becomes a pending
 * draft template, and the final (redacted) resolution note is stored on the session for search.
 */
export async function resolveSession(tx: Tx, id: string, userId: string, input: { rootCause?: string | null } = {}) {
  const s = await lockForWrite(tx, id);
  if (input.rootCause !== undefined) await tx`update ai_sessions set root_cause = ${input.rootCause?.trim() || null} where id = ${id}`;
  await setStatus(tx, s, 'resolved', userId);
  const rules = await loadRedactionRules(tx);
  const { drafts, reusedTemplateIds } = await draftsFromCommands(tx, s, rules);
  const note = await renderResolutionNote(tx, id, 'markdown', { rules });
  await tx`update ai_sessions set resolution_note_markdown = ${note.text} where id = ${id}`;
  return { drafts, reusedTemplateIds, note };
}

/** Escalates the session to the next tier with a reason, and stores the (redacted) escalation package. */
export async function escalateSession(tx: Tx, id: string, userId: string, reason: string) {
  const s = await lockForWrite(tx, id);
  await tx`update ai_sessions set escalation_reason = ${reason.trim()} where id = ${id}`;
  await setStatus(tx, s, 'escalated', userId, `Escalated: ${reason.trim()}`);
  const rules = await loadRedactionRules(tx);
  const pkg = await renderEscalationPackage(tx, id, 'markdown', { rules });
  await tx`update ai_sessions set escalation_package_markdown = ${pkg.text} where id = ${id}`;
  return { package: pkg };
}
