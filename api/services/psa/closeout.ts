// Close-out as one action: post the resolution note, log the time, change the ticket's status, resolve the session.
//
// Each step reuses its exactly-once path (the note outbox, the time-entry row, a status change that reads
// the ticket first) and reports its own result, so a call after a failure retries only what is not done:
// a note already on the ticket or time already logged answer "already", never a second copy. Later steps
// wait for the note (a ticket closed without its documentation is what this exists to prevent), and the
// session resolves only once every chosen step has succeeded. Time is logged before the status changes:
// ConnectWise refuses time on a ticket whose (closed) status has "time entry not allowed" set.
import type { Deps } from '../../deps.js';
import { conflict } from '../../lib/errors.js';
import { patchSession, resolveSession } from '../sessions/lifecycle.js';
import { getSession, type SessionRow } from '../sessions/index.js';
import { sessionTicket } from './board-statuses.js';
import type { TenantRunner } from '../../db/database.js';
import { postSessionNote } from './posting.js';
import { changeTicketStatus, failureOf } from './ticket-status.js';
import { logSessionTime } from './time-entry.js';

export type CloseOutStepName = 'note' | 'status' | 'time' | 'resolve';
export type StepState = 'done' | 'already' | 'failed' | 'skipped';

export interface StepResult {
  step: CloseOutStepName;
  state: StepState;
  detail: string;
  error?: { code: string; message: string };
}

export interface CloseOutInput {
  rootCause?: string | null;
  /** Where the note shows; unset flags come from the account's note defaults. */
  flags?: { internal?: boolean; discussion?: boolean; resolution?: boolean };
  /** The engineer's edited preview (redacted again before posting). */
  text?: string;
  /** A status of the ticket's board (GET …/board-statuses); none leaves the status alone. */
  statusId?: number;
  /** Only then does ConnectWise email the note (processNotifications: true). */
  emailCustomer?: boolean;
  /** Minutes to log (default: the session's time spent); 0 logs no time. */
  minutes?: number;
}

const ok = (s: StepResult) => s.state === 'done' || s.state === 'already' || s.state === 'skipped';

export async function closeOut(
  deps: Deps,
  tenant: TenantRunner,
  who: { accountId: string; userId: string },
  sessionId: string,
  input: CloseOutInput,
): Promise<{ steps: StepResult[]; complete: boolean }> {
  const session = await tenant(async (tx): Promise<SessionRow> => {
    const s = await getSession(tx, sessionId);
    if (s.status === 'escalated' || s.status === 'abandoned') throw conflict(`This session is ${s.status}; it cannot be closed out as resolved.`, 'session_closed');
    // The root cause is part of the note: record it before the note is rendered, while it can still change.
    if (input.rootCause !== undefined && s.status !== 'resolved' && !s.resolution_note_posted_at && (input.rootCause?.trim() || null) !== s.root_cause) {
      return patchSession(tx, sessionId, who.userId, { rootCause: input.rootCause });
    }
    return s;
  });

  const steps: StepResult[] = [];
  const note = await noteStep(deps, tenant, who, session, input);
  steps.push(note);
  if (!ok(note)) {
    const waiting = 'Not attempted: the note is not on the ticket yet.';
    for (const step of ['time', 'status', 'resolve'] as const) steps.push({ step, state: 'skipped', detail: waiting });
    return { steps, complete: false };
  }
  steps.push(await timeStep(deps, tenant, who, sessionId, input));
  steps.push(await statusStep(deps, tenant, sessionId, input));
  if (!steps.every(ok)) {
    steps.push({ step: 'resolve', state: 'skipped', detail: 'The session stays open until the failed steps are done: close out again to retry them.' });
    return { steps, complete: false };
  }
  steps.push(await resolveStep(tenant, sessionId, who.userId));
  return { steps, complete: steps.every(ok) };
}

async function noteStep(deps: Deps, tenant: TenantRunner, who: { accountId: string; userId: string }, session: SessionRow, input: CloseOutInput): Promise<StepResult> {
  // Any resolution note already on the ticket counts, whichever path posted it: a session is documented once.
  if (session.resolution_note_posted_at) {
    return { step: 'note', state: 'already', detail: `The resolution note is already on ticket #${session.ticket_external_id} (note ${session.resolution_note_external_id}).` };
  }
  try {
    const result = await postSessionNote(deps, tenant, who, session.id, 'resolution_note', {
      text: input.text,
      internal: input.flags?.internal,
      resolution: input.flags?.resolution,
      discussion: input.flags?.discussion,
      notifyCustomer: input.emailCustomer ?? false,
    });
    const n = result.note;
    const where = [n.flags.internalAnalysis && 'internal', n.flags.detailDescription && 'discussion', n.flags.resolution && 'resolution'].filter(Boolean).join(', ');
    const email = n.processNotifications ? 'ConnectWise emails it to the customer' : 'the customer is not emailed';
    return {
      step: 'note',
      state: n.alreadyPosted ? 'already' : 'done',
      detail: `Note ${n.externalId} ${n.alreadyPosted ? 'was already' : 'posted'} on ticket #${n.ticketId} (${where}); ${email}.`,
    };
  } catch (err) {
    const error = failureOf(err, 'The note could not be posted.');
    return { step: 'note', state: 'failed', detail: `The note was not posted: ${error.message}`, error };
  }
}

async function statusStep(deps: Deps, tenant: TenantRunner, sessionId: string, input: CloseOutInput): Promise<StepResult> {
  if (input.statusId === undefined) return { step: 'status', state: 'skipped', detail: 'The ticket\'s status was left as it is.' };
  let target: Awaited<ReturnType<typeof sessionTicket>>;
  try {
    target = await sessionTicket(tenant, sessionId);
  } catch (err) {
    const error = failureOf(err, 'The ticket could not be read.');
    return { step: 'status', state: 'failed', detail: `The status was not changed: ${error.message}`, error };
  }
  const change = await changeTicketStatus(deps, tenant, target.conn, target.ticketId, { id: input.statusId });
  if (change.state === 'failed') {
    return { step: 'status', state: 'failed', detail: `The status was not changed: ${change.message}`, error: { code: change.code, message: change.message } };
  }
  return {
    step: 'status',
    state: change.state,
    detail: change.state === 'already' ? `Ticket #${target.ticketId} is already "${change.status.name}".` : `Ticket #${target.ticketId} is now "${change.status.name}"${change.closed ? ' (closed)' : ''}.`,
  };
}

async function timeStep(deps: Deps, tenant: TenantRunner, who: { accountId: string; userId: string }, sessionId: string, input: CloseOutInput): Promise<StepResult> {
  if (input.minutes === 0) return { step: 'time', state: 'skipped', detail: 'No time was logged.' };
  try {
    const result = await logSessionTime(deps, tenant, who, sessionId, { minutes: input.minutes });
    const e = result.entry;
    return {
      step: 'time',
      state: result.created ? 'done' : 'already',
      detail: `${result.created ? 'Logged' : 'Already logged'} ${e.minutes} minute${e.minutes === 1 ? '' : 's'} on ticket #${e.ticketId} as ${e.member} (time entry ${e.externalId}).`,
    };
  } catch (err) {
    const error = failureOf(err, 'The time could not be logged.');
    return { step: 'time', state: 'failed', detail: `No time was logged: ${error.message}`, error };
  }
}

async function resolveStep(tenant: TenantRunner, sessionId: string, userId: string): Promise<StepResult> {
  try {
    return await tenant(async (tx) => {
      const s = await getSession(tx, sessionId);
      if (s.status === 'resolved') return { step: 'resolve', state: 'already', detail: 'The session was already resolved.' } as StepResult;
      const r = await resolveSession(tx, sessionId, userId);
      const drafts = r.drafts.length ? ` ${r.drafts.length} script${r.drafts.length === 1 ? '' : 's'} wait for review.` : '';
      return { step: 'resolve', state: 'done', detail: `The session is resolved.${drafts}` } as StepResult;
    });
  } catch (err) {
    const error = failureOf(err, 'The session could not be resolved.');
    return { step: 'resolve', state: 'failed', detail: `The session was not resolved: ${error.message}`, error };
  }
}
