// What the copilot knows about a session's ticket: the ticket and its notes from ConnectWise when connected, else the session's own record.
import type { Tx } from '../../db/database.js';
import type { Deps } from '../../deps.js';
import type { Logger } from '../../lib/log.js';
import { clientFor, readConnection, toAppError } from '../psa/connection.js';
import { getSession, ticketOf, type SessionRow, type TicketRef } from '../sessions/index.js';
import { laneLine } from './prompt.js';

export interface MaterialNote {
  author: 'engineer' | 'customer' | 'system';
  internal: boolean;
  resolution: boolean;
  text: string;
  at: string | null;
}

export interface TicketMaterial {
  /** Where the notes came from: the ticket in ConnectWise, or the session (no connection, or ConnectWise failed). */
  source: 'connectwise' | 'session';
  /** ConnectWise's `_info.lastUpdated` for the ticket (null without ConnectWise). */
  lastUpdated: string | null;
  ticket: TicketRef;
  /** Oldest first; the ticket's initial description is `ticket.description`, not a note. */
  notes: MaterialNote[];
  /** Why ConnectWise was not used although connected. */
  psaError: string | null;
  session: SessionRow;
}

type Tenant = <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;

function sessionNotes(s: SessionRow): MaterialNote[] {
  return s.pending_task_lane
    .filter((i) => i.kind !== 'status')
    .map((i) => ({ author: 'engineer' as const, internal: true, resolution: false, text: laneLine(i).replace(/^\[lane:li_[0-9a-f]{12}\] /, ''), at: i.at }));
}

/**
 * Reads the session (tenant transaction), then — with no transaction open — the ticket and all its
 * notes from ConnectWise. A ConnectWise failure is not an error here: the session's record answers.
 */
export async function loadTicketMaterial(deps: Deps, tenant: Tenant, sessionId: string, log: Logger): Promise<TicketMaterial> {
  const { session, conn } = await tenant(async (tx) => ({ session: await getSession(tx, sessionId), conn: await readConnection(tx) }));
  const fromSession: TicketMaterial = { source: 'session', lastUpdated: null, ticket: ticketOf(session), notes: sessionNotes(session), psaError: null, session };
  const id = Number(session.ticket_external_id);
  if (!conn || !/^\d{1,12}$/.test(session.ticket_external_id)) return fromSession;
  try {
    const client = clientFor(deps, conn);
    const [ticket, notes] = await Promise.all([client.getTicket(id), client.listNotes(id, { orderBy: 'id asc', pageSize: 1000 })]);
    const initial = notes.find((n) => n.detailDescriptionFlag);
    return {
      source: 'connectwise',
      lastUpdated: ticket._info.lastUpdated ?? null,
      ticket: {
        ...ticketOf(session),
        summary: ticket.summary || session.ticket_summary,
        company: ticket.company?.name ?? session.ticket_company,
        contact: ticket.contact?.name ?? ticket.contactName ?? session.ticket_contact,
        board: ticket.board?.name ?? session.ticket_board,
        status: ticket.status?.name ?? session.ticket_status,
        priority: ticket.priority?.name ?? session.ticket_priority,
        description: initial?.text ?? session.ticket_description,
      },
      notes: notes
        .filter((n) => n !== initial && n.text.trim())
        .map((n) => ({
          author: n.contact && !n.member ? 'customer' : n.member ? 'engineer' : 'system',
          internal: n.internalAnalysisFlag,
          resolution: n.resolutionFlag,
          text: n.text,
          at: n.dateCreated ?? null,
        })),
      psaError: null,
      session,
    };
  } catch (err) {
    const mapped = toAppError(err);
    const message = mapped instanceof Error ? mapped.message : 'ConnectWise could not be reached.';
    log.warn('ticket material from the session: connectwise failed', { session: sessionId, error: message });
    return { ...fromSession, psaError: message };
  }
}
