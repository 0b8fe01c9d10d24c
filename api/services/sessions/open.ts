// Opening and listing sessions: one open session per ticket, the flow's graph snapshotted at the start.
import type { Tx } from '../../db/database.js';
import { notFound } from '../../lib/errors.js';
import type { FlowGraph } from '../flow-graph.js';
import { sessionDetail, ticketOf, type SessionRow, type SessionStatus, type TicketRef } from './index.js';

async function loadFlowSnapshot(tx: Tx, flowId: string) {
  const [flow] = await tx<[{ id: string; version: number; graph: FlowGraph }?]>`
    select id, version, graph from flows where id = ${flowId} and deleted_at is null`;
  if (!flow) throw notFound('Flow');
  return flow;
}

/**
 * Opens a session on the ticket, or returns the one already open there (`created: false`). The partial
 * unique index decides races between two openers: the loser gets the winner's row.
 */
const blank = (v: string | null | undefined) => (v?.trim() ? v : null);
const FILLABLE = ['summary', 'company', 'contact', 'board', 'status', 'priority', 'description', 'url'] as const;

export async function openSession(tx: Tx, who: { accountId: string; userId: string }, ticket: TicketRef, flowId: string | null | undefined) {
  const flow = flowId ? await loadFlowSnapshot(tx, flowId) : null;
  const [created] = await tx<[SessionRow?]>`
    insert into ai_sessions (account_id, user_id, ticket_psa, ticket_external_id, ticket_summary, ticket_company,
      ticket_contact, ticket_board, ticket_status, ticket_priority, ticket_description, ticket_url,
      flow_id, flow_version, flow_graph, current_node_id)
    values (${who.accountId}, ${who.userId}, ${ticket.psa}, ${ticket.externalId}, ${blank(ticket.summary)},
      ${blank(ticket.company)}, ${blank(ticket.contact)}, ${blank(ticket.board)}, ${blank(ticket.status)},
      ${blank(ticket.priority)}, ${blank(ticket.description)}, ${blank(ticket.url)},
      ${flow?.id ?? null}, ${flow?.version ?? null}, ${flow ? tx.json(flow.graph as never) : null}, ${flow?.graph.start ?? null})
    on conflict (account_id, ticket_psa, ticket_external_id) where status in ('active', 'paused') do nothing
    returning *`;
  if (created) return { created: true, session: await sessionDetail(tx, created.id) };
  const [open] = await tx<[SessionRow]>`
    select * from ai_sessions where ticket_psa = ${ticket.psa} and ticket_external_id = ${ticket.externalId}
    and status in ('active', 'paused')`;
  // Most opens of an open session bring nothing new: write only when they do.
  const known = ticketOf(open);
  if (FILLABLE.some((f) => blank(ticket[f]) && !blank(known[f]))) await fillTicket(tx, open.id, ticket);
  return { created: false, session: await sessionDetail(tx, open.id) };
}

/**
 * ConnectWise renders a ticket's number before its company, contact and summary, so whoever opened the session
 * may have seen less than a later reader: fill in what the session lacks, never overwrite what it has.
 */
export async function fillTicket(tx: Tx, sessionId: string, ticket: Partial<TicketRef>) {
  await tx`
    update ai_sessions set
      ticket_summary = coalesce(nullif(ticket_summary, ''), ${blank(ticket.summary)}),
      ticket_company = coalesce(nullif(ticket_company, ''), ${blank(ticket.company)}),
      ticket_contact = coalesce(nullif(ticket_contact, ''), ${blank(ticket.contact)}),
      ticket_board = coalesce(nullif(ticket_board, ''), ${blank(ticket.board)}),
      ticket_status = coalesce(nullif(ticket_status, ''), ${blank(ticket.status)}),
      ticket_priority = coalesce(nullif(ticket_priority, ''), ${blank(ticket.priority)}),
      ticket_description = coalesce(nullif(ticket_description, ''), ${blank(ticket.description)}),
      ticket_url = coalesce(nullif(ticket_url, ''), ${blank(ticket.url)})
    where id = ${sessionId}`;
}

export function listSessions(tx: Tx, q: { ticket?: string; status?: SessionStatus; limit: number }) {
  return tx<SessionRow[]>`
    select * from ai_sessions
    where (${q.ticket ?? null}::text is null or ticket_external_id = ${q.ticket ?? null})
      and (${q.status ?? null}::text is null or status = ${q.status ?? null})
    order by updated_at desc limit ${q.limit}`;
}
