// Sessions on a ticket: reading them, and the writes that change what the resolution note says.
import type { Tx } from '../../db/database.js';
import { conflict, notFound, unprocessable } from '../../lib/errors.js';
import type { FlowGraph } from '../flow-graph.js';
import { loadRedactionRules } from '../redaction/index.js';
import { newLaneItemId, redactLaneItem, type LaneItem } from './lane.js';
import { OPEN_STATUSES, type SessionStatus } from '../../../shared/sessions.js';

export { OPEN_STATUSES, type SessionStatus } from '../../../shared/sessions.js';

export interface TicketRef {
  psa: 'connectwise';
  externalId: string;
  summary?: string | null;
  company?: string | null;
  contact?: string | null;
  board?: string | null;
  status?: string | null;
  priority?: string | null;
  description?: string | null;
  url?: string | null;
}

export interface SessionRow {
  id: string;
  account_id: string;
  /** Keys the fingerprints of the note's redacted spots (migration 00009); never part of a view. */
  redaction_salt?: Uint8Array;
  user_id: string | null;
  ticket_psa: 'connectwise';
  ticket_external_id: string;
  ticket_summary: string | null;
  ticket_company: string | null;
  ticket_contact: string | null;
  ticket_board: string | null;
  ticket_status: string | null;
  ticket_priority: string | null;
  ticket_description: string | null;
  ticket_url: string | null;
  flow_id: string | null;
  flow_version: number | null;
  flow_graph: FlowGraph | null;
  current_node_id: string | null;
  pending_task_lane: LaneItem[];
  status: SessionStatus;
  root_cause: string | null;
  resolution_note_markdown: string | null;
  resolution_note_posted_at: Date | null;
  resolution_note_external_id: string | null;
  escalation_reason: string | null;
  escalation_package_markdown: string | null;
  escalation_package_posted_at: Date | null;
  escalation_package_external_id: string | null;
  state_version: number;
  created_at: Date;
  updated_at: Date;
  ended_at: Date | null;
}

export interface FactRow {
  id: string;
  session_id: string;
  text: string;
  source_ref: string | null;
  origin: 'user' | 'copilot';
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

export interface FixRow {
  id: string;
  session_id: string;
  title: string;
  body: string;
  confidence: number | null;
  origin: 'user' | 'copilot';
  decision: 'one_off' | 'draft_template' | 'build_template' | 'dismissed' | null;
  decided_at: Date | null;
  decided_by: string | null;
  created_by: string | null;
  created_at: Date;
  superseded_at: Date | null;
  /** Proposed from this past session's accepted fix (migration 00010). */
  from_session_id?: string | null;
}

export const ticketOf = (s: SessionRow): TicketRef => ({
  psa: s.ticket_psa,
  externalId: s.ticket_external_id,
  summary: s.ticket_summary,
  company: s.ticket_company,
  contact: s.ticket_contact,
  board: s.ticket_board,
  status: s.ticket_status,
  priority: s.ticket_priority,
  description: s.ticket_description,
  url: s.ticket_url,
});

export const factView = (f: FactRow) => ({
  id: f.id,
  text: f.text,
  sourceRef: f.source_ref,
  origin: f.origin,
  createdBy: f.created_by,
  createdAt: f.created_at.toISOString(),
  updatedAt: f.updated_at.toISOString(),
});

export const fixView = (f: FixRow) => ({
  id: f.id,
  title: f.title,
  body: f.body,
  confidence: f.confidence,
  origin: f.origin,
  decision: f.decision,
  accepted: f.decision !== null && f.decision !== 'dismissed',
  decidedAt: f.decided_at?.toISOString() ?? null,
  createdBy: f.created_by,
  createdAt: f.created_at.toISOString(),
  supersededAt: f.superseded_at?.toISOString() ?? null,
  fromSessionId: f.from_session_id ?? null,
});

export function sessionSummaryView(s: SessionRow) {
  return {
    id: s.id,
    ticket: ticketOf(s),
    flowId: s.flow_id,
    flowVersion: s.flow_version,
    currentNodeId: s.current_node_id,
    status: s.status,
    stateVersion: s.state_version,
    userId: s.user_id,
    rootCause: s.root_cause,
    resolutionNote: { postedAt: s.resolution_note_posted_at?.toISOString() ?? null, externalId: s.resolution_note_external_id },
    escalation: {
      reason: s.escalation_reason,
      postedAt: s.escalation_package_posted_at?.toISOString() ?? null,
      externalId: s.escalation_package_external_id,
    },
    createdAt: s.created_at.toISOString(),
    updatedAt: s.updated_at.toISOString(),
    endedAt: s.ended_at?.toISOString() ?? null,
  };
}

export async function getSession(tx: Tx, id: string): Promise<SessionRow> {
  const [row] = await tx<[SessionRow?]>`select * from ai_sessions where id = ${id}`;
  if (!row) throw notFound('Session');
  return row;
}

export async function activeFacts(tx: Tx, sessionId: string): Promise<FactRow[]> {
  return tx<FactRow[]>`select * from session_facts where session_id = ${sessionId} and deleted_at is null order by created_at, id`;
}

export async function activeFix(tx: Tx, sessionId: string): Promise<FixRow | undefined> {
  const [fix] = await tx<[FixRow?]>`select * from session_suggested_fixes where session_id = ${sessionId} and superseded_at is null`;
  return fix;
}

export async function sessionDetail(tx: Tx, id: string) {
  const s = await getSession(tx, id);
  const [facts, fix, rules] = await Promise.all([activeFacts(tx, id), activeFix(tx, id), loadRedactionRules(tx)]);
  const node = s.flow_graph && s.current_node_id ? s.flow_graph.nodes.find((n) => n.id === s.current_node_id) ?? null : null;
  return {
    ...sessionSummaryView(s),
    currentNode: node,
    // Typed entries may hold a password the engineer pasted: responses carry them redacted, as the note does.
    lane: s.pending_task_lane.map((i) => redactLaneItem(i, rules)),
    facts: facts.map(factView),
    activeFix: fix ? fixView(fix) : null,
  };
}

/**
 * Locks the session for a note-changing write and bumps state_version in the same transaction.
 * The row lock serialises concurrent writers on one session (e.g. twenty "new fix" calls).
 */
export async function lockForWrite(tx: Tx, id: string, opts: { allowClosed?: boolean } = {}): Promise<SessionRow> {
  const [row] = await tx<[SessionRow?]>`
    update ai_sessions set state_version = state_version + 1, updated_at = now()
    where id = ${id} returning *`;
  if (!row) throw notFound('Session');
  if (!opts.allowClosed && !OPEN_STATUSES.includes(row.status)) {
    throw conflict(`This session is ${row.status}; it can no longer be changed.`, 'session_closed');
  }
  return row;
}

export async function appendLane(tx: Tx, sessionId: string, item: Omit<LaneItem, 'id' | 'at'> & { at?: string }): Promise<LaneItem> {
  const full: LaneItem = { id: newLaneItemId(), at: item.at ?? new Date().toISOString(), ...item } as LaneItem;
  await tx`update ai_sessions set pending_task_lane = pending_task_lane || ${tx.json([full] as never)}::jsonb where id = ${sessionId}`;
  return full;
}

/** A fact's source must be the ticket itself or an item on this session's timeline. */
export function checkSourceRef(session: SessionRow, sourceRef: string | null | undefined): LaneItem | 'ticket' | null {
  return checkSourceRefIn(session.pending_task_lane, sourceRef);
}

function checkSourceRefIn(lane: readonly LaneItem[] | null, sourceRef: string | null | undefined): LaneItem | 'ticket' | null {
  if (sourceRef === null || sourceRef === undefined) return null;
  if (sourceRef === 'ticket') return 'ticket';
  const m = /^lane:(li_[0-9a-f]{12})$/.exec(sourceRef);
  const item = m ? (lane ?? []).find((i) => i.id === m[1]) : undefined;
  if (!item) throw unprocessable(`sourceRef "${sourceRef}" does not point at the ticket or an item on this session's timeline.`, 'bad_source_ref');
  return item;
}

/**
 * "What we know" grows by one fact, in one statement on the hot path: the session's state_version bump
 * (the row lock every note-changing write takes first, see lockForWrite) and the insert, which happens
 * only if the session is open. The timeline comes back only when the fact points into it. The checks then
 * answer as lockForWrite and checkSourceRef would; throwing rolls the transaction (bump included) back.
 */
export async function addFact(
  tx: Tx,
  sessionId: string,
  fact: { text: string; sourceRef: string | null; origin: 'user' | 'copilot'; createdBy: string },
): Promise<{ fact: FactRow; stateVersion: number }> {
  const [row] = await tx<[(FactRow & { session_version: number; session_status: SessionStatus; session_lane: LaneItem[] | null }) | undefined]>`
    with s as (
      update ai_sessions set state_version = state_version + 1, updated_at = now()
      where id = ${sessionId}
      returning id, account_id, state_version, status,
                case when ${fact.sourceRef}::text like 'lane:%' then pending_task_lane end as lane
    ), f as (
      insert into session_facts (account_id, session_id, text, source_ref, origin, created_by)
      select s.account_id, s.id, ${fact.text}, ${fact.sourceRef}, ${fact.origin}, ${fact.createdBy} from s
      where s.status::text = any(${OPEN_STATUSES as string[]}::text[])
      returning *
    )
    select f.*, s.state_version as session_version, s.status as session_status, s.lane as session_lane
    from s left join f on true`;
  if (!row) throw notFound('Session');
  if (!OPEN_STATUSES.includes(row.session_status)) {
    throw conflict(`This session is ${row.session_status}; it can no longer be changed.`, 'session_closed');
  }
  checkSourceRefIn(row.session_lane, fact.sourceRef);
  const { session_version, session_status: _status, session_lane: _lane, ...factRow } = row;
  return { fact: factRow as FactRow, stateVersion: session_version };
}

/** The session's state_version: the ETag of its note previews, read without rendering anything. */
export async function sessionStateVersion(tx: Tx, id: string): Promise<number> {
  const [row] = await tx<[{ state_version: number }?]>`select state_version from ai_sessions where id = ${id}`;
  if (!row) throw notFound('Session');
  return row.state_version;
}
