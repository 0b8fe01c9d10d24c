// Share links: stored (listable, revocable), bound to their creator's access, and showing a redacted
// snapshot of the session taken when the link was made.
//
// The token is `fpsl_<account id hex>_<link id hex>_<32 random bytes, base64url>`. The public read has
// no signed-in user, so the account id in clear routes the lookup into that tenant's transaction (as
// refresh tokens do); the row is found by link id and must match the SHA-256 of the whole token.
// Forging the ids gains nothing: without the random part no stored hash matches.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AuthContext } from '../auth/tokens.js';
import { roleAtLeast } from '../auth/tokens.js';
import type { Tx } from '../db/database.js';
import type { Deps } from '../deps.js';
import { AppError, notFound, unauthorized } from '../lib/errors.js';
import { NOTE_FORMATS, renderResolutionNote, type NoteFormat } from './notes/index.js';
import { getSession } from './sessions/index.js';

export interface ShareSnapshot {
  session: { ticket: { psa: string; externalId: string }; status: string; stateVersion: number; updatedAt: string };
  notes: Record<NoteFormat, { format: NoteFormat; text: string; contentType: string; redactionCount: number }>;
}

interface ShareLinkRow {
  id: string;
  account_id: string;
  session_id: string;
  created_by: string;
  token_hash: string;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  revoked_by: string | null;
  snapshot: ShareSnapshot;
}

const hex = (uuid: string) => uuid.replace(/-/g, '');
const uuidOf = (h: string) => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function parseShareToken(token: string): { accountId: string; linkId: string } | null {
  const m = /^fpsl_([0-9a-f]{32})_([0-9a-f]{32})_[A-Za-z0-9_-]{43}$/.exec(token);
  return m ? { accountId: uuidOf(m[1]!), linkId: uuidOf(m[2]!) } : null;
}

/** What the creator and team admins see of a link (never the token: it is shown once, at creation). */
export function shareLinkView(row: Omit<ShareLinkRow, 'snapshot' | 'token_hash'> & { created_by_name?: string | null }, now: Date) {
  return {
    id: row.id,
    sessionId: row.session_id,
    createdBy: { id: row.created_by, name: row.created_by_name ?? null },
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null,
    active: !row.revoked_at && row.expires_at > now,
  };
}

/** Takes the redacted snapshot and stores the link; returns the token (the only time it exists in clear). */
export async function createShareLink(tx: Tx, deps: Deps, auth: AuthContext, sessionId: string, ttlSeconds: number) {
  const s = await getSession(tx, sessionId);
  const notes = {} as ShareSnapshot['notes'];
  for (const format of NOTE_FORMATS) {
    const n = await renderResolutionNote(tx, s.id, format);
    notes[format] = { format: n.format, text: n.text, contentType: n.contentType, redactionCount: n.redactionCount };
  }
  const snapshot: ShareSnapshot = {
    session: { ticket: { psa: s.ticket_psa, externalId: s.ticket_external_id }, status: s.status, stateVersion: s.state_version, updatedAt: s.updated_at.toISOString() },
    notes,
  };
  const now = deps.now();
  const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
  const [{ id }] = await tx<[{ id: string }]>`select gen_random_uuid() as id`;
  const token = `fpsl_${hex(auth.accountId)}_${hex(id)}_${randomBytes(32).toString('base64url')}`;
  const [row] = await tx<[ShareLinkRow]>`
    insert into share_links (id, account_id, session_id, created_by, token_hash, created_at, expires_at, snapshot)
    values (${id}, ${auth.accountId}, ${s.id}, ${auth.userId}, ${sha256(token)}, ${now}, ${expiresAt}, ${tx.json(snapshot as never)})
    returning id, account_id, session_id, created_by, created_at, expires_at, revoked_at, revoked_by`;
  return { token, link: shareLinkView(row, now) };
}

/** The session's links: a team admin sees everyone's, anyone else only their own. */
export async function listShareLinks(tx: Tx, deps: Deps, auth: AuthContext, sessionId: string) {
  await getSession(tx, sessionId);
  const all = roleAtLeast(auth.role, 'team_admin');
  const rows = await tx<Array<ShareLinkRow & { created_by_name: string | null }>>`
    select l.id, l.account_id, l.session_id, l.created_by, l.created_at, l.expires_at, l.revoked_at, l.revoked_by, u.name as created_by_name
    from share_links l left join users u on u.id = l.created_by
    where l.session_id = ${sessionId} and (${all}::boolean or l.created_by = ${auth.userId})
    order by l.created_at desc, l.id`;
  const now = deps.now();
  return rows.map((r) => shareLinkView(r, now));
}

/** Revokes a link (its creator or a team admin; anyone else gets 404). Revoking twice is harmless. */
export async function revokeShareLink(tx: Tx, deps: Deps, auth: AuthContext, sessionId: string, shareId: string) {
  const all = roleAtLeast(auth.role, 'team_admin');
  const [row] = await tx<[ShareLinkRow?]>`
    update share_links set revoked_at = coalesce(revoked_at, ${deps.now()}), revoked_by = coalesce(revoked_by, ${auth.userId}::uuid)
    where id = ${shareId} and session_id = ${sessionId} and (${all}::boolean or created_by = ${auth.userId})
    returning id, account_id, session_id, created_by, created_at, expires_at, revoked_at, revoked_by`;
  if (!row) throw notFound('Share link');
  return shareLinkView(row, deps.now());
}

const invalid = () => unauthorized('This share link is invalid or has expired.');
const gone = (why: string) => new AppError(410, 'share_link_revoked', `This share link no longer works: ${why}.`);

/** The public read: the snapshot behind a token, or 401 (unknown, tampered, expired) / 410 (revoked, creator disabled). */
export async function readSharedSnapshot(deps: Deps, token: string, format: NoteFormat) {
  const ids = parseShareToken(token);
  if (!ids) throw invalid();
  return deps.db.tenant({ accountId: ids.accountId }, async (tx) => {
    const [row] = await tx<[(ShareLinkRow & { creator_disabled_at: Date | null; creator_exists: boolean })?]>`
      select l.*, u.disabled_at as creator_disabled_at, (u.id is not null) as creator_exists
      from share_links l left join users u on u.id = l.created_by
      where l.id = ${ids.linkId}`;
    const expected = Buffer.from(sha256(token), 'hex');
    if (!row || !timingSafeEqual(Buffer.from(row.token_hash, 'hex'), expected)) throw invalid();
    if (row.revoked_at) throw gone('it was revoked');
    if (!row.creator_exists || row.creator_disabled_at) throw gone('the person who shared it no longer has access');
    if (row.expires_at <= deps.now()) throw invalid();
    const note = row.snapshot.notes[format];
    return {
      session: row.snapshot.session,
      note,
      sharedAt: row.created_at.toISOString(),
      expiresAt: row.expires_at.toISOString(),
      readOnly: true,
    };
  });
}
