// Escalating to the next tier from the panel: a preview of the package with the reason being typed (nothing
// changes), then one action that escalates, posts the package exactly once and optionally moves the ticket.
import type { Tx } from '../../db/database.js';
import type { Deps } from '../../deps.js';
import { conflict } from '../../lib/errors.js';
import { buildNoteDocument, loadNoteData } from '../notes/document.js';
import { loadReveals } from '../notes/index.js';
import { renderDocument, type NoteFormat } from '../notes/render.js';
import { loadRedactionRules } from '../redaction/index.js';
import { readPreferences } from '../settings.js';
import { escalateSession } from '../sessions/lifecycle.js';
import { getSession } from '../sessions/index.js';
import { sessionTicket } from './board-statuses.js';
import type { StepResult, StepState } from './closeout.js';
import type { TenantRunner } from '../../db/database.js';
import { postSessionNote } from './posting.js';
import { changeTicketStatus, failureOf, moveTicket } from './ticket-status.js';

export interface EscalationInput {
  reason: string;
  /** Where the package shows on the ticket; default internal (it is for the next tier, not the customer). */
  flags?: { internal?: boolean; discussion?: boolean; resolution?: boolean };
  text?: string;
  emailCustomer?: boolean;
  /** Move the ticket to the next tier's board … */
  boardId?: number;
  /** … and/or set this status (of the target board when moving). */
  statusId?: number;
}

/** The package as it would be posted with this reason, and where it would go. Changes nothing. */
export async function previewEscalation(tx: Tx, sessionId: string, reason: string, opts: { format?: NoteFormat; flags?: EscalationInput['flags']; emailCustomer?: boolean } = {}) {
  const data = await loadNoteData(tx, sessionId);
  const prefs = await readPreferences(tx);
  data.session.escalation_reason = reason.trim();
  const doc = buildNoteDocument('escalation', data, await loadRedactionRules(tx), await loadReveals(tx, sessionId));
  const chosen = opts.format ?? prefs.noteFormat;
  // The same defaults as posting an escalation package: internal unless asked otherwise.
  const internal = opts.flags?.internal ?? true;
  const resolution = opts.flags?.resolution ?? false;
  return {
    package: {
      format: chosen,
      text: renderDocument(doc, chosen),
      redactionCount: Object.values(doc.redactions).reduce((a, b) => a + (b ?? 0), 0),
      redactions: doc.redactions,
    },
    destination: {
      ticket: data.session.ticket_external_id,
      flags: { internal, discussion: opts.flags?.discussion ?? (!internal && !resolution), resolution },
      processNotifications: opts.emailCustomer ?? false,
      alreadyPosted: data.session.escalation_package_posted_at !== null,
    },
  };
}

type Step = Omit<StepResult, 'step'> & { step: 'escalate' | 'note' | 'ticket' };
const fine = (s: Step) => s.state !== 'failed';

export async function escalateAndPost(
  deps: Deps,
  tenant: TenantRunner,
  who: { accountId: string; userId: string },
  sessionId: string,
  input: EscalationInput,
): Promise<{ steps: Step[]; complete: boolean }> {
  const steps: Step[] = [];
  steps.push(
    await tenant(async (tx): Promise<Step> => {
      const s = await getSession(tx, sessionId);
      if (s.status === 'escalated') return { step: 'escalate', state: 'already', detail: `The session was already escalated: ${s.escalation_reason ?? 'no reason given'}.` };
      if (s.status !== 'active' && s.status !== 'paused') throw conflict(`This session is ${s.status}; it cannot be escalated.`, 'session_closed');
      await escalateSession(tx, sessionId, who.userId, input.reason);
      return { step: 'escalate', state: 'done', detail: 'The session is escalated.' };
    }),
  );

  const posted = await tenant((tx) => getSession(tx, sessionId));
  if (posted.escalation_package_posted_at) {
    steps.push({ step: 'note', state: 'already', detail: `The escalation package is already on ticket #${posted.ticket_external_id} (note ${posted.escalation_package_external_id}).` });
  } else {
    try {
      const r = await postSessionNote(deps, tenant, who, sessionId, 'escalation_package', {
        text: input.text,
        internal: input.flags?.internal,
        discussion: input.flags?.discussion,
        resolution: input.flags?.resolution,
        notifyCustomer: input.emailCustomer ?? false,
      });
      steps.push({ step: 'note', state: r.note.alreadyPosted ? 'already' : 'done', detail: `Escalation package ${r.note.externalId} on ticket #${r.note.ticketId}.` });
    } catch (err) {
      const error = failureOf(err, 'The escalation package could not be posted.');
      steps.push({ step: 'note', state: 'failed', detail: `The package was not posted: ${error.message}`, error });
    }
  }

  steps.push(await ticketStep(deps, tenant, sessionId, input, fine(steps[1]!)));
  return { steps, complete: steps.every(fine) };
}

async function ticketStep(deps: Deps, tenant: TenantRunner, sessionId: string, input: EscalationInput, notePosted: boolean): Promise<Step> {
  if (input.boardId === undefined && input.statusId === undefined) return { step: 'ticket', state: 'skipped', detail: 'The ticket\'s board and status were left as they are.' };
  if (!notePosted) return { step: 'ticket', state: 'skipped', detail: 'Not attempted: the package is not on the ticket yet.' };
  try {
    const { conn, ticketId } = await sessionTicket(tenant, sessionId);
    if (input.boardId !== undefined) {
      const m = await moveTicket(deps, tenant, conn, ticketId, input.boardId, input.statusId);
      if (m.state === 'failed') return { step: 'ticket', state: 'failed', detail: `The ticket was not moved: ${m.message}`, error: { code: m.code, message: m.message } };
      const where = `board "${m.board.name ?? m.board.id}"${m.status ? `, status "${m.status.name}"` : ''}`;
      return { step: 'ticket', state: m.state as StepState, detail: m.state === 'already' ? `Ticket #${ticketId} is already on ${where}.` : `Ticket #${ticketId} moved to ${where}.` };
    }
    const c = await changeTicketStatus(deps, tenant, conn, ticketId, { id: input.statusId });
    if (c.state === 'failed') return { step: 'ticket', state: 'failed', detail: `The status was not changed: ${c.message}`, error: { code: c.code, message: c.message } };
    return { step: 'ticket', state: c.state, detail: c.state === 'already' ? `Ticket #${ticketId} is already "${c.status.name}".` : `Ticket #${ticketId} is now "${c.status.name}".` };
  } catch (err) {
    const error = failureOf(err, 'The ticket could not be changed.');
    return { step: 'ticket', state: 'failed', detail: `The ticket was not changed: ${error.message}`, error };
  }
}
