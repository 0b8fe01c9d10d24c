// Suggested fixes: one active fix per session (a new one supersedes it) and the engineer's decision on it.
import type { Tx } from '../../db/database.js';
import { conflict, notFound } from '../../lib/errors.js';
import { activeFix, getSession, lockForWrite, type FixRow } from './index.js';
import { templateFromFix } from './templates.js';

export const FIX_DECISIONS = ['one_off', 'draft_template', 'build_template', 'dismissed'] as const;
export type FixDecision = (typeof FIX_DECISIONS)[number];

export async function readActiveFix(tx: Tx, sessionId: string): Promise<FixRow | undefined> {
  await getSession(tx, sessionId);
  return activeFix(tx, sessionId);
}

export async function proposeFix(
  tx: Tx,
  sessionId: string,
  userId: string,
  fix: { title: string; body: string; confidence?: number | null; origin: 'user' | 'copilot' },
) {
  // lockForWrite holds the session row, so concurrent proposals supersede one another in turn.
  const s = await lockForWrite(tx, sessionId);
  await tx`update session_suggested_fixes set superseded_at = now() where session_id = ${sessionId} and superseded_at is null`;
  const [row] = await tx<[FixRow]>`
    insert into session_suggested_fixes (account_id, session_id, title, body, confidence, origin, created_by)
    values (${s.account_id}, ${sessionId}, ${fix.title}, ${fix.body}, ${fix.confidence ?? null}, ${fix.origin}, ${userId})
    returning *`;
  return { fix: row, stateVersion: s.state_version };
}

/** Decides on the active fix; keeping it as a template drafts (or builds) one from its script. */
export async function decideFix(tx: Tx, sessionId: string, fixId: string, decision: FixDecision, userId: string) {
  const s = await lockForWrite(tx, sessionId);
  const [fix] = await tx<[FixRow?]>`select * from session_suggested_fixes where id = ${fixId} and session_id = ${sessionId}`;
  if (!fix) throw notFound('Suggested fix');
  if (fix.superseded_at) {
    throw conflict('This suggested fix was superseded by a newer one; decide on the active fix instead.', 'fix_superseded');
  }
  const [updated] = await tx<[FixRow]>`
    update session_suggested_fixes set decision = ${decision}, decided_at = now(), decided_by = ${userId}
    where id = ${fixId} returning *`;
  if (decision === 'draft_template' || decision === 'build_template') await templateFromFix(tx, s, fix, decision, userId);
  return { fix: updated, stateVersion: s.state_version };
}
