// Resolution notes and escalation packages: rendered from the session, redacted, cached per
// (session, state_version, format) in the database. Other modules (ConnectWise posting, sharing) call these.
import type { Tx } from '../../db/database.js';
import { loadRedactionRules, rulesHash, type RedactionRules, type SecretKind } from '../redaction/index.js';
import { notFound } from '../../lib/errors.js';
import { buildNoteDocument, loadNoteData, type RedactionSpot } from './document.js';
import { CONTENT_TYPES, NOTE_FORMATS, renderDocument, type NoteFormat } from './render.js';

export { NOTE_FORMATS, CONTENT_TYPES, type NoteFormat } from './render.js';
export { escapeHtml, escapeMarkdown } from './render.js';
export type { RedactionSpot } from './document.js';

export type NoteKind = 'resolution' | 'escalation';

export interface RenderedNote {
  kind: NoteKind;
  format: NoteFormat;
  /** The note itself, ready to post: redacted unless `redact: false` was asked for. */
  text: string;
  contentType: string;
  /** The session state it was rendered from (also the preview's ETag). */
  stateVersion: number;
  /** What was removed, by kind ({} when nothing was). */
  redactions: Partial<Record<SecretKind, number>>;
  redactionCount: number;
  /** Each redacted spot in marker order (and the ones un-hidden for this session), for the preview's review list. */
  spots: RedactionSpot[];
  /** True when served from the render cache. */
  cached: boolean;
}

export interface RenderOptions {
  /** Redact secrets with the built-in rules plus the account's (default true). */
  redact?: boolean;
  /** Rules to use instead of the account's settings (they are read from the database otherwise). */
  rules?: RedactionRules;
  /** Honour the spots engineers un-hid for this session (default true; false for anything bound for a model). */
  reveals?: boolean;
}

interface CacheRow {
  state_version: number;
  rules_hash: string;
  body: string;
  redactions: { counts?: Partial<Record<SecretKind, number>>; spots?: RedactionSpot[] } & Partial<Record<SecretKind, number>>;
}

/** The fingerprints engineers un-hid in this session's note (never applied to other sessions or to models). */
export async function loadReveals(tx: Tx, sessionId: string): Promise<Set<string>> {
  const rows = await tx<{ fingerprint: string }[]>`select fingerprint from session_redaction_reveals where session_id = ${sessionId}`;
  return new Set(rows.map((r) => r.fingerprint));
}

/**
 * Un-hides one redacted spot of this session's note (a false positive), for this session only. The spot
 * must be one the note currently hides; the caller bumps state_version (the note's ETag) in the same
 * transaction. The account's rules are unchanged; prompts and embeddings keep redacting it.
 */
export async function revealSpot(tx: Tx, accountId: string, sessionId: string, spotId: string, userId: string): Promise<RedactionSpot> {
  const data = await loadNoteData(tx, sessionId);
  const rules = await loadRedactionRules(tx);
  const reveals = await loadReveals(tx, sessionId);
  const spot = (['resolution', 'escalation'] as const)
    .flatMap((k) => buildNoteDocument(k, data, rules, reveals).spots)
    .find((s) => s.id === spotId);
  if (!spot) throw notFound('Redacted spot');
  if (spot.revealed) return spot; // a repeated request (a retry) answers the same
  await tx`insert into session_redaction_reveals (account_id, session_id, fingerprint, kind, revealed_by)
           values (${accountId}, ${sessionId}, ${spotId}, ${spot.kind}, ${userId}) on conflict do nothing`;
  return { ...spot, marker: null, revealed: true };
}

const total = (counts: Partial<Record<SecretKind, number>>) => Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);

async function render(tx: Tx, kind: NoteKind, sessionId: string, format: NoteFormat, opts: RenderOptions): Promise<RenderedNote> {
  if (!NOTE_FORMATS.includes(format)) throw new TypeError(`Unknown note format "${format}"`);
  const redact = opts.redact ?? true;
  const data = await loadNoteData(tx, sessionId); // 404s for a missing or foreign session
  if (!redact) {
    const doc = buildNoteDocument(kind, data, null);
    return { kind, format, text: renderDocument(doc, format), contentType: CONTENT_TYPES[format], stateVersion: doc.stateVersion, redactions: {}, redactionCount: 0, spots: [], cached: false };
  }
  const rules = opts.rules ?? (await loadRedactionRules(tx));
  const useReveals = opts.reveals ?? true;
  // Un-hiding bumps state_version, so (state_version, rules) still identify a render; renders without reveals are not cached.
  // The zone the note's times are written in is part of what the cached text depends on.
  const hash = `${rulesHash(rules)}@${data.timeZone}`;
  const version = data.session.state_version;
  if (useReveals) {
    const [hit] = await tx<[CacheRow?]>`
      select state_version, rules_hash, body, redactions from session_note_renders
      where session_id = ${sessionId} and document = ${kind} and format = ${format}`;
    if (hit && hit.state_version === version && hit.rules_hash === hash && Array.isArray(hit.redactions.spots)) {
      const counts = hit.redactions.counts ?? {};
      return { kind, format, text: hit.body, contentType: CONTENT_TYPES[format], stateVersion: version, redactions: counts, redactionCount: total(counts), spots: hit.redactions.spots, cached: true };
    }
  }
  const reveals = useReveals ? await loadReveals(tx, sessionId) : new Set<string>();
  const doc = buildNoteDocument(kind, data, rules, reveals);
  const text = renderDocument(doc, format);
  if (useReveals) {
    // Concurrent renders of one version write the same text; a render of an older version never
    // overwrites a newer one.
    await tx`
      insert into session_note_renders (account_id, session_id, document, format, state_version, rules_hash, body, redactions)
      values (${data.session.account_id}, ${sessionId}, ${kind}, ${format}, ${version}, ${hash}, ${text}, ${tx.json({ counts: doc.redactions, spots: doc.spots } as never)})
      on conflict (session_id, document, format) do update
        set state_version = excluded.state_version, rules_hash = excluded.rules_hash, body = excluded.body,
            redactions = excluded.redactions, rendered_at = now()
        where session_note_renders.state_version <= excluded.state_version`;
  }
  return { kind, format, text, contentType: CONTENT_TYPES[format], stateVersion: version, redactions: doc.redactions, redactionCount: total(doc.redactions), spots: doc.spots, cached: false };
}

/**
 * The session's resolution note — Problem, What we confirmed, Root cause, Resolution, what was
 * checked (timestamped), next steps, time spent — redacted by default. Runs in the caller's
 * tenant transaction; a session of another account is a 404 (AppError).
 */
export function renderResolutionNote(tx: Tx, sessionId: string, format: NoteFormat = 'text', opts: RenderOptions = {}): Promise<RenderedNote> {
  return render(tx, 'resolution', sessionId, format, opts);
}

/**
 * The escalation package for the next tier — the problem, why it is escalated, what we know, what
 * was tried and each result, the suspected cause, suggested next steps — redacted by default.
 */
export function renderEscalationPackage(tx: Tx, sessionId: string, format: NoteFormat = 'text', opts: RenderOptions = {}): Promise<RenderedNote> {
  return render(tx, 'escalation', sessionId, format, opts);
}
