// Logs a session's time to its ConnectWise ticket as one time entry, exactly once per session.
//
// Same idea as the note outbox (posting.ts): one row per session in psa_time_entries with a stable
// ref, written as the last line of the entry's notes (`FlowPilot ref <ref>`). A POST whose answer is
// lost may still have stored the entry; time entries have no per-ticket notes list, so before any
// retry we list the ticket's time entries (conditions on chargeToType/chargeToId) and adopt the one
// carrying our marker instead of logging the time twice. The row commits in its own transactions so
// what we learned survives a request that ends in an error.
import type { TenantRunner } from '../../db/database.js';
import type { Deps } from '../../deps.js';
import { conflict, psaFailure, unprocessable } from '../../lib/errors.js';
import { redactText, rulesFromPreferences } from '../redaction/index.js';
import { readPreferences } from '../settings.js';
import { getSession, type SessionRow } from '../sessions/index.js';
import { cwDateString, type ConnectWiseClient } from './connectwise/client.js';
import type { CwTimeEntry } from './connectwise/types.js';
import { clientFor, requireConnection, toAppError, type ConnectionRow } from './connection.js';
import { memberFor } from './members.js';
import { deliverOnce, hasMarker, MARKER_PREFIX, markerLine, newRef, releaseLease, type Delivery } from './exactly-once.js';
import { sessionWorkSpan } from '../sessions/time.js';
import { MAX_MINUTES, minutesOf } from '../../../shared/time.js';

export type BillableOption = 'Billable' | 'DoNotBill' | 'NoCharge';

export interface TimeEntryOptions {
  /** 1..1440; default: the session's time spent, rounded up to the minute (at least 1). */
  minutes?: number;
  /** Default: a one-line summary of the session. Redacted either way. */
  notes?: string;
  billable?: BillableOption;
  /** Copy the entry's notes into the ticket's Resolution (addToResolutionFlag). */
  addToResolution?: boolean;
}

export interface TimeEntryView {
  externalId: string;
  ticketId: string;
  ref: string;
  minutes: number;
  timeStart: string;
  timeEnd: string;
  notes: string;
  billableOption: BillableOption;
  addToResolution: boolean;
  member: string;
  loggedAt: string;
}

export type TimeEntryResult = { created: true; entry: TimeEntryView } | { created: false; alreadyLogged: true; externalId: string; entry: TimeEntryView };

interface TimeEntryRow {
  id: string;
  session_id: string;
  ticket_external_id: string;
  ref: string;
  minutes: number;
  time_start: Date;
  time_end: Date;
  notes: string;
  billable_option: BillableOption;
  add_to_resolution: boolean;
  member_identifier: string;
  status: 'pending' | 'logged';
  attempts: number;
  external_entry_id: string | null;
  logged_at: Date | null;
}

export { MAX_MINUTES };

/** The default minutes to log: time spent rounded up to the minute, within 1..MAX_MINUTES. */
export function defaultMinutes(s: Pick<SessionRow, 'created_at' | 'ended_at' | 'pending_task_lane'>): number {
  return minutesOf(sessionWorkSpan(s).workMs);
}

/** One line: what the session was about and how it stands. Redacted by the caller. */
export function defaultNotes(s: SessionRow): string {
  const subject = (s.ticket_summary ?? '').replace(/\s+/g, ' ').trim() || `ticket #${s.ticket_external_id}`;
  const cut = subject.length > 200 ? subject.slice(0, 199) + '…' : subject;
  return `FlowPilot troubleshooting session (${s.status}): ${cut}`;
}

function viewOf(row: TimeEntryRow): TimeEntryView {
  return {
    externalId: row.external_entry_id!,
    ticketId: row.ticket_external_id,
    ref: row.ref,
    minutes: row.minutes,
    timeStart: cwDateString(row.time_start),
    timeEnd: cwDateString(row.time_end),
    notes: row.notes,
    billableOption: row.billable_option,
    addToResolution: row.add_to_resolution,
    member: row.member_identifier,
    loggedAt: row.logged_at!.toISOString(),
  };
}

/** Looks for our marker among the ticket's time entries (newest first, all pages). */
export async function findMarkedTimeEntry(client: ConnectWiseClient, ticketId: number, ref: string): Promise<CwTimeEntry | null> {
  const entries = await client.listTicketTimeEntries(ticketId);
  return entries.find((e) => e.notes !== undefined && hasMarker(e.notes, ref)) ?? null;
}

export async function logSessionTime(
  deps: Deps,
  tenant: TenantRunner,
  who: { accountId: string; userId: string },
  sessionId: string,
  opts: TimeEntryOptions,
): Promise<TimeEntryResult> {
  const leaseMs = deps.psa?.postLeaseMs ?? 60_000;

  // 1. Claim the session's time-entry row (creating it the first time).
  const claim = await tenant(async (tx): Promise<{ done: TimeEntryRow } | { row: TimeEntryRow; conn: ConnectionRow }> => {
    const session = await getSession(tx, sessionId); // 404 for a missing or foreign session
    const conn = await requireConnection(tx);
    const [existing] = await tx<[(TimeEntryRow & { leased: boolean })?]>`
      select *, coalesce(lease_until > now(), false) as leased from psa_time_entries where session_id = ${sessionId} for update`;
    if (existing?.status === 'logged') return { done: existing };
    if (existing?.leased) throw conflict('Time for this session is being logged right now; try again in a moment.', 'time_entry_in_progress');

    const ticketId = session.ticket_external_id;
    if (!/^\d{1,12}$/.test(ticketId)) throw unprocessable(`This session's ticket "${ticketId}" is not a ConnectWise ticket number.`, 'not_a_connectwise_ticket');
    const member = await memberFor(tx, who.userId);
    if (!member) {
      throw unprocessable(
        'You are not mapped to a ConnectWise member, so FlowPilot cannot log time as you. A team admin can map you in settings (ConnectWise → Members).',
        'psa_member_unmapped',
      );
    }
    const prefs = await readPreferences(tx);
    const rules = rulesFromPreferences(prefs);
    const text = redactText(opts.notes?.trim() || defaultNotes(session), rules).trim();
    if (!text) throw unprocessable('The time entry notes are empty.', 'time_entry_notes_empty');
    if (text.includes(MARKER_PREFIX)) throw unprocessable(`The notes may not contain "${MARKER_PREFIX.trim()}": FlowPilot adds that line itself.`, 'notes_have_marker');
    const minutes = opts.minutes ?? defaultMinutes(session);
    // Start at the session's start (whole seconds, as ConnectWise keeps them); end after the minutes logged.
    const start = new Date(Math.floor(session.created_at.getTime() / 1000) * 1000);
    const end = new Date(start.getTime() + minutes * 60_000);
    const billable = opts.billable ?? 'Billable';
    const addToResolution = opts.addToResolution ?? false;

    let row: TimeEntryRow | undefined;
    if (!existing) {
      const ref = newRef();
      // A concurrent first request waits on the unique (account_id, session_id) and then inserts nothing.
      [row] = await tx<[TimeEntryRow?]>`
        insert into psa_time_entries (account_id, session_id, ticket_external_id, ref, minutes, time_start, time_end, notes,
          billable_option, add_to_resolution, member_identifier, attempts, lease_until, created_by)
        values (${who.accountId}, ${sessionId}, ${ticketId}, ${ref}, ${minutes}, ${start}, ${end}, ${`${text}\n\n${markerLine(ref)}`},
          ${billable}, ${addToResolution}, ${member}, 1, now() + make_interval(secs => ${leaseMs / 1000}), ${who.userId})
        on conflict (account_id, session_id) do nothing
        returning *`;
      if (!row) throw conflict('Time for this session is being logged right now; try again in a moment.', 'time_entry_in_progress');
    } else {
      // An earlier attempt's outcome is unknown: keep its ref (its marker is what we look for); the
      // latest request's choices apply if that attempt turns out not to have reached ConnectWise.
      [row] = await tx<[TimeEntryRow]>`
        update psa_time_entries set ticket_external_id = ${ticketId}, minutes = ${minutes}, time_start = ${start}, time_end = ${end},
          notes = ${`${text}\n\n${markerLine(existing.ref)}`}, billable_option = ${billable}, add_to_resolution = ${addToResolution},
          member_identifier = ${member}, attempts = attempts + 1, lease_until = now() + make_interval(secs => ${leaseMs / 1000}), updated_at = now()
        where id = ${existing.id} returning *`;
    }
    return { row, conn };
  });
  if ('done' in claim) return { created: false, alreadyLogged: true, externalId: claim.done.external_entry_id!, entry: viewOf(claim.done) };
  return { created: true, entry: await deliver(deps, tenant, claim.conn, claim.row) };
}

async function deliver(deps: Deps, tenant: TenantRunner, conn: ConnectionRow, row: TimeEntryRow): Promise<TimeEntryView> {
  const ticketId = Number(row.ticket_external_id);
  let delivery: Delivery<CwTimeEntry>;
  try {
    const client = clientFor(deps, conn);
    delivery = await deliverOnce({
      attempts: deps.psa?.postAttempts ?? 3,
      // An earlier attempt of this row may have reached ConnectWise: look before posting.
      checkFirst: row.attempts > 1,
      find: () => findMarkedTimeEntry(client, ticketId, row.ref),
      send: () =>
        client.createTimeEntry({
          ticketId,
          memberIdentifier: row.member_identifier,
          timeStart: row.time_start,
          timeEnd: row.time_end,
          notes: row.notes,
          addToDetailDescriptionFlag: false,
          addToInternalAnalysisFlag: false,
          addToResolutionFlag: row.add_to_resolution,
          billableOption: row.billable_option,
        }),
      onUnknown: (err, attempt) =>
        deps.log.warn('connectwise time entry outcome unknown', { ticketId, ref: row.ref, attempt, reason: (err as Error).message }),
    });
  } catch (err) {
    await releaseLease(tenant, 'psa_time_entries', row.id, err);
    throw toAppError(err);
  }
  if (!delivery.ok) {
    await releaseLease(tenant, 'psa_time_entries', row.id, delivery.lastUnknown);
    throw psaFailure(
      `ConnectWise did not confirm the time entry on ticket #${ticketId} (${delivery.lastUnknown instanceof Error ? delivery.lastUnknown.message : 'no answer'}). Log it again: FlowPilot checks the ticket first, so the time will not be logged twice.`,
      'psa_unknown_outcome',
    );
  }
  const entry = delivery.value;
  if (delivery.foundByMarker) deps.log.info('connectwise time entry found by marker', { ticketId, ref: row.ref, entryId: entry.id });
  // What ConnectWise holds wins (an adopted entry may come from an attempt with other choices).
  const start = entry.timeStart ? new Date(entry.timeStart) : null;
  const end = entry.timeEnd ? new Date(entry.timeEnd) : null;
  const exact = start && end && !Number.isNaN(start.getTime()) && !Number.isNaN(end.getTime()) && end > start;
  const minutes = exact ? Math.min(MAX_MINUTES, Math.max(1, Math.round((end.getTime() - start.getTime()) / 60_000))) : row.minutes;
  const billable = (entry as { billableOption?: unknown }).billableOption;
  const logged = await tenant(async (tx) => {
    const [done] = await tx<[TimeEntryRow]>`
      update psa_time_entries set status = 'logged', external_entry_id = ${String(entry.id)}, logged_at = now(), lease_until = null, last_error = null,
        minutes = ${minutes}, time_start = ${exact ? start : row.time_start}, time_end = ${exact ? end : row.time_end},
        notes = ${entry.notes ?? row.notes},
        billable_option = ${billable === 'Billable' || billable === 'DoNotBill' || billable === 'NoCharge' ? billable : row.billable_option},
        updated_at = now()
      where id = ${row.id} returning *`;
    return done;
  });
  return viewOf(logged);
}
