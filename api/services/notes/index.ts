// Resolution notes and escalation packages: rendered from the session, redacted, cached per
// (session, state_version, format) in the database. Other modules (ConnectWise posting, sharing) call these.
import type { Tx } from '../../db/database.js';
import { loadRedactionRules, rulesHash, type RedactionRules, type SecretKind } from '../redaction/index.js';
import { buildNoteDocument, loadNoteData } from './document.js';
import { CONTENT_TYPES, NOTE_FORMATS, renderDocument, type NoteFormat } from './render.js';

export { NOTE_FORMATS, CONTENT_TYPES, type NoteFormat } from './render.js';
export { escapeHtml, escapeMarkdown } from './render.js';

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
  /** True when served from the render cache. */
  cached: boolean;
}

export interface RenderOptions {
  /** Redact secrets with the built-in rules plus the account's (default true). */
  redact?: boolean;
  /** Rules to use instead of the account's settings (they are read from the database otherwise). */
  rules?: RedactionRules;
}

interface CacheRow {
  state_version: number;
  rules_hash: string;
  body: string;
  redactions: Partial<Record<SecretKind, number>>;
}

const total = (counts: Partial<Record<SecretKind, number>>) => Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);

async function render(tx: Tx, kind: NoteKind, sessionId: string, format: NoteFormat, opts: RenderOptions): Promise<RenderedNote> {
  if (!NOTE_FORMATS.includes(format)) throw new TypeError(`Unknown note format "${format}"`);
  const redact = opts.redact ?? true;
  const data = await loadNoteData(tx, sessionId); // 404s for a missing or foreign session
  if (!redact) {
    const doc = buildNoteDocument(kind, data, null);
    return { kind, format, text: renderDocument(doc, format), contentType: CONTENT_TYPES[format], stateVersion: doc.stateVersion, redactions: {}, redactionCount: 0, cached: false };
  }
  const rules = opts.rules ?? (await loadRedactionRules(tx));
  const hash = rulesHash(rules);
  const version = data.session.state_version;
  const [hit] = await tx<[CacheRow?]>`
    select state_version, rules_hash, body, redactions from session_note_renders
    where session_id = ${sessionId} and document = ${kind} and format = ${format}`;
  if (hit && hit.state_version === version && hit.rules_hash === hash) {
    return { kind, format, text: hit.body, contentType: CONTENT_TYPES[format], stateVersion: version, redactions: hit.redactions, redactionCount: total(hit.redactions), cached: true };
  }
  const doc = buildNoteDocument(kind, data, rules);
  const text = renderDocument(doc, format);
  // Concurrent renders of one version write the same text; a render of an older version never
  // overwrites a newer one.
  await tx`
    insert into session_note_renders (account_id, session_id, document, format, state_version, rules_hash, body, redactions)
    values (${data.session.account_id}, ${sessionId}, ${kind}, ${format}, ${version}, ${hash}, ${text}, ${tx.json(doc.redactions as never)})
    on conflict (session_id, document, format) do update
      set state_version = excluded.state_version, rules_hash = excluded.rules_hash, body = excluded.body,
          redactions = excluded.redactions, rendered_at = now()
      where session_note_renders.state_version <= excluded.state_version`;
  return { kind, format, text, contentType: CONTENT_TYPES[format], stateVersion: version, redactions: doc.redactions, redactionCount: total(doc.redactions), cached: false };
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
