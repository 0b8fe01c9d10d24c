// The statuses a session's ticket may take (its ConnectWise board's active statuses), cached per board in the database,
// and the account's active boards (where an escalation may move the ticket), cached per account.
//
// The ticket is read each time (its board and status change in ConnectWise); the board's statuses are
// kept in psa_board_statuses for BOARD_STATUS_TTL_MS, so every API instance shares one cache and a
// panel opening the status picker costs one ConnectWise call, not two. No connection is held while
// ConnectWise answers.
import type { Deps } from '../../deps.js';
import { AppError, unprocessable } from '../../lib/errors.js';
import { getSession } from '../sessions/index.js';
import type { CwBoard, CwStatus, CwTicket } from './connectwise/types.js';
import { clientFor, requireConnection, toAppError, type ConnectionRow } from './connection.js';
import type { TenantRunner } from '../../db/database.js';

export const BOARD_STATUS_TTL_MS = 10 * 60_000;

export interface BoardStatusView {
  id: number;
  name: string;
  /** Choosing it closes the ticket in ConnectWise. */
  closed: boolean;
  /** The board's default (what a new ticket gets). */
  default: boolean;
  /** ConnectWise refuses time entries on a ticket in this status. */
  timeEntryNotAllowed: boolean;
}

export interface TicketStatuses {
  ticket: { id: number; status: { id: number; name: string | null } | null; closed: boolean };
  board: { id: number; name: string | null };
  /** The board's active statuses in its order; inactive ones cannot be chosen in ConnectWise and are left out. */
  statuses: BoardStatusView[];
  cached: boolean;
  fetchedAt: string;
}

const statusView = (s: CwStatus): BoardStatusView => ({
  id: s.id,
  name: s.name,
  closed: s.closedStatus ?? false,
  default: s.defaultFlag ?? false,
  timeEntryNotAllowed: s.timeEntryNotAllowed ?? false,
});

/** The ticket of a session, with its connection; a session whose ticket is not a ConnectWise number is a 422. */
export async function sessionTicket(tenant: TenantRunner, sessionId: string): Promise<{ conn: ConnectionRow; ticketId: number }> {
  return tenant(async (tx) => {
    const session = await getSession(tx, sessionId);
    const conn = await requireConnection(tx);
    const ticketId = session.ticket_external_id;
    if (!/^\d{1,12}$/.test(ticketId)) throw unprocessable(`This session's ticket "${ticketId}" is not a ConnectWise ticket number.`, 'not_a_connectwise_ticket');
    return { conn, ticketId: Number(ticketId) };
  });
}

/** The board statuses of an already-read ticket, from the cache when fresh. ConnectWise failures throw as our AppErrors. */
export async function boardStatusesFor(deps: Deps, tenant: TenantRunner, conn: ConnectionRow, ticket: CwTicket, opts: { refresh?: boolean } = {}): Promise<TicketStatuses> {
  if (!ticket.board) throw unprocessable(`Ticket #${ticket.id} has no board, so it has no statuses to choose from.`, 'ticket_without_board');
  const board = { id: ticket.board.id, name: ticket.board.name ?? null };
  const { statuses, cached, fetchedAt } = await cachedBoardStatuses(deps, tenant, conn, board, opts);
  return {
    ticket: { id: ticket.id, status: ticket.status ? { id: ticket.status.id, name: ticket.status.name ?? null } : null, closed: ticket.closedFlag },
    board,
    statuses,
    cached,
    fetchedAt,
  };
}

/** One board's active statuses, from psa_board_statuses while fresh, else from ConnectWise (and cached). */
export async function cachedBoardStatuses(deps: Deps, tenant: TenantRunner, conn: ConnectionRow, board: { id: number; name: string | null }, opts: { refresh?: boolean } = {}) {
  const ttlSeconds = (deps.psa?.boardStatusTtlMs ?? BOARD_STATUS_TTL_MS) / 1000;
  const [hit] = opts.refresh
    ? []
    : await tenant((tx) => tx<[{ statuses: BoardStatusView[]; fetched_at: Date }?]>`
        select statuses, fetched_at from psa_board_statuses
        where board_id = ${board.id} and fetched_at > now() - make_interval(secs => ${ttlSeconds})`);
  let statuses: BoardStatusView[];
  let fetchedAt: Date;
  if (hit) {
    statuses = hit.statuses;
    fetchedAt = hit.fetched_at;
  } else {
    try {
      statuses = (await clientFor(deps, conn).listBoardStatuses(board.id)).filter((s) => !s.inactive).map(statusView);
    } catch (err) {
      throw toAppError(err);
    }
    fetchedAt = await tenant(async (tx) => {
      const [row] = await tx<[{ fetched_at: Date }]>`
        insert into psa_board_statuses (account_id, board_id, board_name, statuses)
        values (${conn.account_id}, ${board.id}, ${board.name}, ${tx.json(statuses as never)})
        on conflict (account_id, board_id) do update set board_name = excluded.board_name, statuses = excluded.statuses, fetched_at = now()
        returning fetched_at`;
      return row.fetched_at;
    });
  }
  return { statuses, cached: !!hit, fetchedAt: fetchedAt.toISOString() };
}

/** GET /v1/sessions/:id/board-statuses: the ticket's current status and the statuses its board offers. */
export async function sessionBoardStatuses(deps: Deps, tenant: TenantRunner, sessionId: string, opts: { refresh?: boolean } = {}): Promise<TicketStatuses> {
  const { conn, ticketId } = await sessionTicket(tenant, sessionId);
  let ticket: CwTicket;
  try {
    ticket = await clientFor(deps, conn).getTicket(ticketId);
  } catch (err) {
    throw toAppError(err);
  }
  return boardStatusesFor(deps, tenant, conn, ticket, opts);
}

export interface BoardView {
  id: number;
  name: string;
  location: string | null;
  department: string | null;
}

const boardView = (b: CwBoard): BoardView => ({ id: b.id, name: b.name, location: b.location?.name ?? null, department: b.department?.name ?? null });

/** GET /v1/psa/boards: the account's active service boards, from psa_boards while fresh, else from ConnectWise (and cached). */
export async function accountBoards(deps: Deps, tenant: TenantRunner, opts: { refresh?: boolean } = {}) {
  const ttlSeconds = (deps.psa?.boardStatusTtlMs ?? BOARD_STATUS_TTL_MS) / 1000;
  const { conn, hit } = await tenant(async (tx) => {
    const conn = await requireConnection(tx);
    const [hit] = opts.refresh
      ? []
      : await tx<[{ boards: BoardView[]; fetched_at: Date }?]>`
          select boards, fetched_at from psa_boards where fetched_at > now() - make_interval(secs => ${ttlSeconds})`;
    return { conn, hit };
  });
  if (hit) return { boards: hit.boards, cached: true, fetchedAt: hit.fetched_at.toISOString() };
  let boards: BoardView[];
  try {
    // Asked for active boards only; a server that ignores the condition still never offers an inactive one.
    boards = (await clientFor(deps, conn).listBoards()).filter((b) => !b.inactiveFlag).map(boardView);
  } catch (err) {
    throw toAppError(err);
  }
  const fetchedAt = await tenant(async (tx) => {
    const [row] = await tx<[{ fetched_at: Date }]>`
      insert into psa_boards (account_id, boards) values (${conn.account_id}, ${tx.json(boards as never)})
      on conflict (account_id) do update set boards = excluded.boards, fetched_at = now()
      returning fetched_at`;
    return row.fetched_at;
  });
  return { boards, cached: false, fetchedAt: fetchedAt.toISOString() };
}

/** GET /v1/psa/boards/:boardId/statuses: one board's active statuses (the escalation's status picker after a board change). */
export async function boardStatuses(deps: Deps, tenant: TenantRunner, boardId: number, opts: { refresh?: boolean } = {}) {
  const { boards } = await accountBoards(deps, tenant);
  const board = boards.find((b) => b.id === boardId);
  if (!board) throw new AppError(404, 'board_not_found', `Service board ${boardId} is not one of this account's active boards.`);
  const conn = await tenant(requireConnection);
  const { statuses, cached, fetchedAt } = await cachedBoardStatuses(deps, tenant, conn, { id: board.id, name: board.name }, opts);
  return { board: { id: board.id, name: board.name }, statuses, cached, fetchedAt };
}
