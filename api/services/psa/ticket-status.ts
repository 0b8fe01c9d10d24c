// Changing a ConnectWise ticket's status to one of its board's statuses: naturally idempotent (setting the
// status it already has is reported as "already", not sent again), and every failure is reported.
import type { Deps } from '../../deps.js';
import { AppError } from '../../lib/errors.js';
import { boardStatusesFor, cachedBoardStatuses } from './board-statuses.js';
import { clientFor, toAppError, type ConnectionRow } from './connection.js';
import type { TenantRunner } from '../../db/database.js';

export type StatusChange =
  | { state: 'done' | 'already'; status: { id: number; name: string }; closed: boolean }
  | { state: 'failed'; code: string; message: string };

/** The failure as our error code and a message the engineer can act on. */
export function failureOf(err: unknown, fallback: string): { code: string; message: string } {
  const mapped = toAppError(err);
  if (mapped instanceof AppError) return { code: mapped.code, message: mapped.message };
  return { code: 'internal', message: fallback };
}

/** Sets ticket `ticketId` to the status with this id (or name) on its board. Never throws. */
export async function changeTicketStatus(deps: Deps, tenant: TenantRunner, conn: ConnectionRow, ticketId: number, want: { id?: number; name?: string }): Promise<StatusChange> {
  try {
    const client = clientFor(deps, conn);
    const ticket = await client.getTicket(ticketId);
    const { board, statuses } = await boardStatusesFor(deps, tenant, conn, ticket);
    const target = statuses.find((s) => (want.id !== undefined ? s.id === want.id : s.name.toLowerCase() === (want.name ?? '').trim().toLowerCase()));
    if (!target) {
      const asked = want.id !== undefined ? `status ${want.id}` : `status "${want.name}"`;
      return {
        state: 'failed',
        code: 'status_not_on_board',
        message: `Board "${board.name ?? board.id}" has no active ${asked}. Its statuses: ${statuses.map((s) => s.name).join(', ')}.`,
      };
    }
    if (ticket.status?.id === target.id) return { state: 'already', status: { id: target.id, name: target.name }, closed: target.closed };
    await client.setTicketStatus(ticketId, target.id);
    return { state: 'done', status: { id: target.id, name: target.name }, closed: target.closed };
  } catch (err) {
    const failure = failureOf(err, 'The status could not be changed.');
    deps.log.warn('connectwise status change failed', { ticketId, code: failure.code });
    return { state: 'failed', ...failure };
  }
}

export type TicketMove =
  | { state: 'done' | 'already'; board: { id: number; name: string | null }; status: { id: number; name: string } | null }
  | { state: 'failed'; code: string; message: string };

/**
 * Moves the ticket to board `boardId` (the next tier's board), with `statusId` of that board when given, else
 * the board's default. Already there (and in that status) is "already". Never throws.
 */
export async function moveTicket(deps: Deps, tenant: TenantRunner, conn: ConnectionRow, ticketId: number, boardId: number, statusId?: number): Promise<TicketMove> {
  try {
    const client = clientFor(deps, conn);
    const ticket = await client.getTicket(ticketId);
    const board = ticket.board?.id === boardId ? { id: boardId, name: ticket.board.name ?? null } : { id: boardId, name: null };
    const { statuses } = await cachedBoardStatuses(deps, tenant, conn, board);
    const target = statusId !== undefined ? statuses.find((s) => s.id === statusId) : undefined;
    if (statusId !== undefined && !target) {
      return { state: 'failed', code: 'status_not_on_board', message: `Board ${board.name ?? boardId} has no active status ${statusId}. Its statuses: ${statuses.map((s) => s.name).join(', ')}.` };
    }
    if (ticket.board?.id === boardId && (!target || ticket.status?.id === target.id)) {
      return { state: 'already', board, status: ticket.status ? { id: ticket.status.id, name: ticket.status.name ?? '' } : null };
    }
    const moved = await client.moveTicket(ticketId, boardId, target?.id);
    return {
      state: 'done',
      board: { id: boardId, name: moved.board?.name ?? board.name },
      status: moved.status ? { id: moved.status.id, name: moved.status.name ?? '' } : null,
    };
  } catch (err) {
    const failure = failureOf(err, 'The ticket could not be moved.');
    deps.log.warn('connectwise board change failed', { ticketId, code: failure.code });
    return { state: 'failed', ...failure };
  }
}
