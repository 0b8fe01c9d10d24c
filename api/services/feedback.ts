// Thumbs up/down on the copilot's suggestions, answers and fixes: one vote per user and target, kept for the flywheel.
import type { Tx } from '../db/database.js';
import { notFound } from '../lib/errors.js';
import { loadRedactionRules, redactText } from './redaction/index.js';
import { getSession } from './sessions/index.js';

export const FEEDBACK_TARGETS = ['suggestion', 'answer', 'fix'] as const;
export type FeedbackTarget = (typeof FEEDBACK_TARGETS)[number];

export interface FeedbackInput {
  target: FeedbackTarget;
  targetId?: string;
  rating: 'up' | 'down';
  comment?: string | null;
}

interface FeedbackRow {
  id: string;
  target: FeedbackTarget;
  target_id: string;
  rating: 'up' | 'down';
  comment: string | null;
  created_at: Date;
  updated_at: Date;
}

export const feedbackView = (f: FeedbackRow) => ({
  id: f.id,
  target: f.target,
  targetId: f.target_id || null,
  rating: f.rating,
  comment: f.comment,
  createdAt: f.created_at.toISOString(),
  updatedAt: f.updated_at.toISOString(),
});

/** An answer or a fix must belong to this session (another session's, or another account's, is a 404). */
async function checkTarget(tx: Tx, sessionId: string, target: FeedbackTarget, targetId: string): Promise<void> {
  if (target === 'answer') {
    const [row] = await tx`select 1 from ask_turns t join ask_conversations c on c.id = t.conversation_id
                           where t.id = ${targetId} and t.role = 'assistant' and c.session_id = ${sessionId}`;
    if (!row) throw notFound('Answer');
  } else if (target === 'fix') {
    const [row] = await tx`select 1 from session_suggested_fixes where id = ${targetId} and session_id = ${sessionId}`;
    if (!row) throw notFound('Fix');
  }
}

/** Records the user's vote; a second vote on the same target replaces the first (`created` says which). */
export async function recordFeedback(tx: Tx, accountId: string, userId: string, sessionId: string, input: FeedbackInput) {
  await getSession(tx, sessionId);
  const targetId = input.targetId ?? '';
  if (targetId) await checkTarget(tx, sessionId, input.target, targetId);
  const comment = input.comment ? redactText(input.comment, await loadRedactionRules(tx)) : null;
  const [row] = await tx<[FeedbackRow & { created: boolean }]>`
    insert into copilot_feedback (account_id, session_id, user_id, target, target_id, rating, comment)
    values (${accountId}, ${sessionId}, ${userId}, ${input.target}, ${targetId}, ${input.rating}, ${comment})
    on conflict (account_id, session_id, user_id, target, target_id)
    do update set rating = excluded.rating, comment = excluded.comment, updated_at = now()
    returning id, target, target_id, rating, comment, created_at, updated_at, (xmax = 0) as created`;
  return row;
}

/** The user's own votes in a session (the panel shows which thumbs are pressed). */
export async function myFeedback(tx: Tx, userId: string, sessionId: string) {
  await getSession(tx, sessionId);
  const rows = await tx<FeedbackRow[]>`
    select id, target, target_id, rating, comment, created_at, updated_at from copilot_feedback
    where session_id = ${sessionId} and user_id = ${userId} order by created_at, id`;
  return rows.map(feedbackView);
}
