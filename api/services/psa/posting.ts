// Posts a session's resolution note or escalation package to its ConnectWise ticket exactly once, through an outbox.
//
// Why an outbox and a marker: a POST whose answer is lost (time-out, connection reset after ConnectWise
// stored the note) has an unknown outcome. Each note (session, kind, ticket, flags, body) gets one
// outbox row with a stable ref, written as the note's last line `FlowPilot ref <ref>`. Any later
// attempt first looks for that line among the ticket's notes, and adopts the note it finds instead
// of posting a second one. The outbox commits in its own transactions (not the request's), so what
// we learned survives a request that ends in an error.
import { createHash } from 'node:crypto';
import type { TenantRunner, Tx } from '../../db/database.js';
import type { Deps } from '../../deps.js';
import { conflict, psaFailure, unprocessable } from '../../lib/errors.js';
import { withBriefing } from '../ai/briefing.js';
import { renderEscalationPackage, renderResolutionNote } from '../notes/index.js';
import { redactText, rulesFromPreferences } from '../redaction/index.js';
import { readPreferences, type Preferences } from '../settings.js';
import { getSession, type SessionRow } from '../sessions/index.js';
import type { ConnectWiseClient } from './connectwise/client.js';
import { clientFor, requireConnection, toAppError, type ConnectionRow } from './connection.js';
import { deliverOnce, hasMarker, MARKER_PREFIX, markerLine, newRef, releaseLease, type Delivery } from './exactly-once.js';
import { memberFor } from './members.js';
import { changeTicketStatus } from './ticket-status.js';

/** customer_reply: the engineer's reply to the customer, posted as a discussion note. */
export type NoteKind = 'resolution_note' | 'escalation_package' | 'customer_reply';

export interface NoteTextRequest {
  kind: NoteKind;
  /** The account's note format (settings.noteFormat); ConnectWise shows plain text best. */
  format: Preferences['noteFormat'];
  /** The engineer's edited preview, when they changed it; still to be redacted. */
  edited?: string;
  redaction: Preferences['redaction'];
}

/**
 * Renders the (redacted) note text to post for a session, or null when there is nothing to post.
 * Inject the notes service's renderer through `deps.psa.noteText`.
 */
export type NoteTextProvider = (tx: Tx, session: SessionRow, req: NoteTextRequest) => Promise<string | null>;

export interface PostOptions {
  text?: string;
  internal?: boolean;
  resolution?: boolean;
  /** Show the note in the ticket's Discussion (detailDescriptionFlag); default: when neither internal nor resolution. */
  discussion?: boolean;
  /** Let ConnectWise email the note (processNotifications). Default: the account's noteDefaults (false). */
  notifyCustomer?: boolean;
  /** Change the ticket's status to this status name of its board after posting. */
  ticketStatus?: string;
  /** Or to this status id of its board (the panel's status picker). */
  ticketStatusId?: number;
}

export interface PostResult {
  created: boolean;
  note: {
    externalId: string;
    ticketId: string;
    ref: string;
    text: string;
    flags: { detailDescription: boolean; internalAnalysis: boolean; resolution: boolean };
    processNotifications: boolean;
    member: string | null;
    postedAt: string;
    alreadyPosted: boolean;
  };
  /** A refused status change is reported here (with its code), never dropped: the note itself stands. */
  statusChange?: { ok: true; status: string; already: boolean } | { ok: false; code: string; message: string };
}

interface OutboxRow {
  id: string;
  session_id: string;
  kind: NoteKind;
  ticket_external_id: string;
  ref: string;
  note_text: string;
  detail_description: boolean;
  internal_analysis: boolean;
  resolution: boolean;
  process_notifications: boolean;
  member_identifier: string | null;
  status: 'pending' | 'posted';
  attempts: number;
  external_note_id: string | null;
  posted_at: Date | null;
}

/**
 * The default: the notes service's rendering of the session (redacted, in the account's format; HTML
 * is posted as text because ConnectWise's note view shows tags literally), or the engineer's edited
 * preview, redacted again since they may have typed a secret into it.
 */
export const renderedNoteText: NoteTextProvider = async (tx, session, req) => {
  const rules = rulesFromPreferences({ redaction: req.redaction });
  if (req.edited !== undefined) return redactText(req.edited, rules);
  if (req.kind === 'customer_reply') return null; // only ever the engineer's own (edited) draft
  const format = req.format === 'html' ? 'text' : req.format;
  if (req.kind === 'resolution_note') return (await renderResolutionNote(tx, session.id, format, { rules })).text;
  const rendered = await renderEscalationPackage(tx, session.id, format, { rules });
  // The model's briefing for the next tier goes with the package, exactly as the preview showed it.
  return (await withBriefing(tx, session.id, rendered.text, rendered.stateVersion, format)).text;
};

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Looks for our marker among the ticket's notes (newest first, all pages). */
export async function findMarkedNote(client: ConnectWiseClient, ticketId: number, ref: string) {
  const notes = await client.listNotes(ticketId, { orderBy: 'id desc', pageSize: 1000 });
  return notes.find((n) => hasMarker(n.text, ref)) ?? null;
}

function resultOf(row: OutboxRow, created: boolean, alreadyPosted: boolean): PostResult {
  return {
    created,
    note: {
      externalId: row.external_note_id!,
      ticketId: row.ticket_external_id,
      ref: row.ref,
      text: row.note_text,
      flags: { detailDescription: row.detail_description, internalAnalysis: row.internal_analysis, resolution: row.resolution },
      processNotifications: row.process_notifications,
      member: row.member_identifier,
      postedAt: row.posted_at!.toISOString(),
      alreadyPosted,
    },
  };
}

export async function postSessionNote(
  deps: Deps,
  tenant: TenantRunner,
  who: { accountId: string; userId: string },
  sessionId: string,
  kind: NoteKind,
  opts: PostOptions,
): Promise<PostResult> {
  const provider = deps.psa?.noteText ?? renderedNoteText;
  const leaseMs = deps.psa?.postLeaseMs ?? 60_000;

  // 1. Claim the note's outbox row (creating it the first time this exact note is posted).
  const claim = await tenant(async (tx) => {
    const session = await getSession(tx, sessionId);
    const conn = await requireConnection(tx);
    const prefs = await readPreferences(tx);
    const ticketId = session.ticket_external_id;
    if (!/^\d{1,12}$/.test(ticketId)) throw unprocessable(`This session's ticket "${ticketId}" is not a ConnectWise ticket number.`, 'not_a_connectwise_ticket');
    // Escalation packages are for the next tier, not the customer: internal unless asked otherwise.
    // A customer reply is a discussion note the customer can see.
    const internal = opts.internal ?? (kind === 'escalation_package' ? true : kind === 'customer_reply' ? false : prefs.noteDefaults.internal);
    const resolution = opts.resolution ?? (kind === 'resolution_note' ? prefs.noteDefaults.resolution : false);
    const detail = opts.discussion ?? (!internal && !resolution);
    if (!detail && !internal && !resolution) {
      throw unprocessable('Choose where the note shows: internal, discussion or resolution (ConnectWise refuses a note with none).', 'note_without_audience');
    }
    const notify = opts.notifyCustomer ?? prefs.noteDefaults.processNotifications;
    const body = (await provider(tx, session, { kind, format: prefs.noteFormat, edited: opts.text, redaction: prefs.redaction }))?.trim();
    if (!body) {
      throw unprocessable(
        kind === 'resolution_note'
          ? 'There is no resolution note to post yet: generate it (or send the edited text).'
          : kind === 'customer_reply'
            ? 'There is no reply to post: send the text of the reply.'
            : 'There is no escalation package to post yet: escalate the session first.',
        'note_empty',
      );
    }
    if (body.includes(MARKER_PREFIX)) throw unprocessable(`The note may not contain "${MARKER_PREFIX.trim()}": FlowPilot adds that line itself.`, 'note_has_marker');
    const member = await memberFor(tx, who.userId);
    const hash = sha256(JSON.stringify([ticketId, kind, detail, internal, resolution, body]));
    const ref = newRef();
    await tx`
      insert into psa_note_outbox (account_id, session_id, kind, ticket_external_id, ref, content_hash, note_text,
        detail_description, internal_analysis, resolution, process_notifications, member_identifier, created_by)
      values (${who.accountId}, ${sessionId}, ${kind}, ${ticketId}, ${ref}, ${hash}, ${`${body}\n\n${markerLine(ref)}`},
        ${detail}, ${internal}, ${resolution}, ${notify}, ${member}, ${who.userId})
      on conflict (account_id, session_id, kind, content_hash) do nothing`;
    const [row] = await tx<[OutboxRow & { leased: boolean }]>`
      select *, coalesce(lease_until > now(), false) as leased from psa_note_outbox
      where session_id = ${sessionId} and kind = ${kind} and content_hash = ${hash} for update`;
    if (row.status === 'posted') return { done: resultOf(row, false, true), conn };
    if (row.leased) throw conflict('This note is being posted right now; try again in a moment.', 'post_in_progress');
    // The member and notification choice of the latest attempt apply; text and flags are the row's identity.
    const [claimed] = await tx<[OutboxRow]>`
      update psa_note_outbox set lease_until = now() + make_interval(secs => ${leaseMs / 1000}), attempts = attempts + 1,
        member_identifier = ${member}, process_notifications = ${notify}, updated_at = now()
      where id = ${row.id} returning *`;
    return { row: claimed, conn };
  });

  let result: PostResult;
  if ('done' in claim && claim.done) result = claim.done;
  else {
    const row = (claim as { row: OutboxRow }).row;
    result = await deliver(deps, tenant, claim.conn, row);
  }
  if (opts.ticketStatus !== undefined || opts.ticketStatusId !== undefined) {
    const change = await changeTicketStatus(deps, tenant, claim.conn, Number(result.note.ticketId), { id: opts.ticketStatusId, name: opts.ticketStatus });
    result.statusChange = change.state === 'failed'
      ? { ok: false, code: change.code, message: change.message }
      : { ok: true, status: change.status.name, already: change.state === 'already' };
  }
  return result;
}

async function deliver(deps: Deps, tenant: TenantRunner, conn: ConnectionRow, row: OutboxRow): Promise<PostResult> {
  const ticketId = Number(row.ticket_external_id);
  let delivery: Delivery<{ id: number }>;
  try {
    const client = clientFor(deps, conn);
    delivery = await deliverOnce({
      attempts: deps.psa?.postAttempts ?? 3,
      // An earlier attempt of this row may have reached ConnectWise: look before posting.
      checkFirst: row.attempts > 1,
      find: () => findMarkedNote(client, ticketId, row.ref),
      send: () =>
        client.createNote(ticketId, {
          text: row.note_text,
          detailDescriptionFlag: row.detail_description,
          internalAnalysisFlag: row.internal_analysis,
          resolutionFlag: row.resolution,
          processNotifications: row.process_notifications,
          memberIdentifier: row.member_identifier ?? undefined,
        }),
      onUnknown: (err, attempt) =>
        deps.log.warn('connectwise note post outcome unknown', { ticketId, ref: row.ref, attempt, reason: (err as Error).message }),
    });
  } catch (err) {
    await releaseLease(tenant, 'psa_note_outbox', row.id, err);
    throw toAppError(err);
  }
  if (!delivery.ok) {
    await releaseLease(tenant, 'psa_note_outbox', row.id, delivery.lastUnknown);
    throw psaFailure(
      `ConnectWise did not confirm the note on ticket #${ticketId} (${delivery.lastUnknown instanceof Error ? delivery.lastUnknown.message : 'no answer'}). Post again: FlowPilot checks the ticket first, so the note will not appear twice.`,
      'psa_unknown_outcome',
    );
  }
  const noteId = delivery.value.id;
  if (delivery.foundByMarker) deps.log.info('connectwise note found by marker', { ticketId, ref: row.ref, noteId });
  const posted = await tenant(async (tx) => {
    const [done] = await tx<[OutboxRow]>`
      update psa_note_outbox set status = 'posted', external_note_id = ${String(noteId)}, posted_at = now(), lease_until = null,
        last_error = null, updated_at = now()
      where id = ${row.id} returning *`;
    if (row.kind === 'resolution_note') {
      await tx`update ai_sessions set resolution_note_posted_at = ${done.posted_at}, resolution_note_external_id = ${String(noteId)}, updated_at = now() where id = ${row.session_id}`;
    } else if (row.kind === 'escalation_package') {
      await tx`update ai_sessions set escalation_package_posted_at = ${done.posted_at}, escalation_package_external_id = ${String(noteId)}, updated_at = now() where id = ${row.session_id}`;
    }
    return done;
  });
  return resultOf(posted, true, false);
}
