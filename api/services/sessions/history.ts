// What the panel shows as a session opens: resolved sessions of similar tickets (with the fix that worked)
// and the company's recent sessions; and proposing a past session's fix as this session's fix.
import type { Tx } from '../../db/database.js';
import { notFound, unprocessable } from '../../lib/errors.js';
import { lockForWrite, type FixRow } from './index.js';

export interface PastSession {
  sessionId: string;
  ticket: { externalId: string; summary: string | null; company: string | null };
  status: string;
  rootCause: string | null;
  /** The fix accepted in that session (what worked), if one was. */
  fix: { id: string; title: string; body: string } | null;
  createdAt: string;
  endedAt: string | null;
}

interface PastRow {
  me: string;
  id: string | null;
  ticket_external_id: string;
  ticket_summary: string | null;
  ticket_company: string | null;
  status: string;
  root_cause: string | null;
  fix_id: string | null;
  fix_title: string | null;
  fix_body: string | null;
  created_at: Date;
  ended_at: Date | null;
  rank?: number;
}

const ACCEPTED = ['one_off', 'draft_template', 'build_template'];

function view(r: PastRow): PastSession & { rank?: number } {
  return {
    sessionId: r.id!,
    ticket: { externalId: r.ticket_external_id, summary: r.ticket_summary, company: r.ticket_company },
    status: r.status,
    rootCause: r.root_cause,
    fix: r.fix_id ? { id: r.fix_id, title: r.fix_title!, body: r.fix_body ?? '' } : null,
    createdAt: r.created_at.toISOString(),
    endedAt: r.ended_at?.toISOString() ?? null,
    ...(r.rank !== undefined ? { rank: Number(Number(r.rank).toFixed(6)) } : {}),
  };
}

/** Rows of `me left join lateral (…)`: none means the session is not there (404); a null id means no matches. */
function rowsOf(rows: PastRow[]) {
  if (!rows.length) throw notFound('Session');
  return rows.filter((r) => r.id !== null).map(view);
}

/**
 * The top resolved sessions whose ticket reads like this one (any word of the summary, full-text ranked, in
 * one statement), each with the fix accepted there. Full text only: a query embedding would put a Voyage call
 * on the panel's opening path.
 */
export async function similarResolved(tx: Tx, sessionId: string, limit = 3) {
  const rows = await tx<PastRow[]>`
    with me as (
      select id, nullif(replace(plainto_tsquery('english', coalesce(ticket_summary, ''))::text, ' & ', ' | '), '')::tsquery as q
      from ai_sessions where id = ${sessionId}
    )
    select me.id as me, s.*
    from me left join lateral (
      -- Rank every match, then fetch the fix only for the few returned.
      select top.*, f.id as fix_id, f.title as fix_title, f.body as fix_body
      from (
        select s.id, s.ticket_external_id, s.ticket_summary, s.ticket_company, s.status, s.root_cause, s.created_at, s.ended_at,
               ts_rank_cd(s.search, me.q, 32)::float8 as rank
        from ai_sessions s
        where me.q is not null and s.status = 'resolved' and s.id <> me.id and s.search @@ me.q
        order by rank desc, s.ended_at desc nulls last, s.id
        limit ${limit}
      ) top
      left join session_suggested_fixes f on f.session_id = top.id and f.superseded_at is null and f.decision = any(${ACCEPTED}::text[])
      order by top.rank desc, top.ended_at desc nulls last, top.id
    ) s on true`;
  return rowsOf(rows);
}

/** The company's latest sessions (any status), newest first, each with its accepted fix. */
export async function companyHistory(tx: Tx, sessionId: string, limit = 10) {
  const rows = await tx<PastRow[]>`
    with me as (select id, ticket_company from ai_sessions where id = ${sessionId})
    select me.id as me, s.*
    from me left join lateral (
      select s.id, s.ticket_external_id, s.ticket_summary, s.ticket_company, s.status, s.root_cause, s.created_at, s.ended_at,
             f.id as fix_id, f.title as fix_title, f.body as fix_body
      from ai_sessions s
      left join session_suggested_fixes f on f.session_id = s.id and f.superseded_at is null and f.decision = any(${ACCEPTED}::text[])
      where s.ticket_company = me.ticket_company and s.id <> me.id
      order by s.created_at desc
      limit ${limit}
    ) s on true`;
  return rowsOf(rows);
}

/**
 * Proposes the fix accepted in `fromSessionId` as this session's active fix (superseding the current one),
 * remembering where it came from. The engineer still accepts it as with any proposal.
 */
export async function proposeFixFrom(tx: Tx, sessionId: string, fromSessionId: string, userId: string): Promise<{ fix: FixRow; stateVersion: number }> {
  if (fromSessionId === sessionId) throw unprocessable('A session cannot propose its own fix to itself.', 'same_session');
  const s = await lockForWrite(tx, sessionId);
  const [past] = await tx<[{ title: string; body: string; ticket_external_id: string }?]>`
    select f.title, f.body, p.ticket_external_id from ai_sessions p
    join session_suggested_fixes f on f.session_id = p.id and f.superseded_at is null and f.decision = any(${ACCEPTED}::text[])
    where p.id = ${fromSessionId}`;
  if (!past) {
    const [exists] = await tx`select 1 from ai_sessions where id = ${fromSessionId}`;
    if (!exists) throw notFound('Past session');
    throw unprocessable('That session has no accepted fix to propose.', 'no_accepted_fix');
  }
  await tx`update session_suggested_fixes set superseded_at = now() where session_id = ${sessionId} and superseded_at is null`;
  const [fix] = await tx<[FixRow]>`
    insert into session_suggested_fixes (account_id, session_id, title, body, origin, created_by, from_session_id)
    values (${s.account_id}, ${sessionId}, ${past.title}, ${past.body}, 'user', ${userId}, ${fromSessionId})
    returning *`;
  return { fix, stateVersion: s.state_version };
}
