// "What we know": listing, editing and removing a session's facts (adding one is addFact in index.ts).
import type { Tx } from '../../db/database.js';
import { conflict, notFound } from '../../lib/errors.js';
import { activeFacts, checkSourceRef, getSession, lockForWrite, type FactRow } from './index.js';

export async function listFacts(tx: Tx, sessionId: string): Promise<FactRow[]> {
  await getSession(tx, sessionId);
  return activeFacts(tx, sessionId);
}

/** A fact that came from a step of the flow is changed at that step, never edited here. */
export async function editFact(tx: Tx, sessionId: string, factId: string, text: string) {
  const s = await lockForWrite(tx, sessionId);
  const [fact] = await tx<[FactRow?]>`select * from session_facts where id = ${factId} and session_id = ${sessionId} and deleted_at is null`;
  if (!fact) throw notFound('Fact');
  const source = fact.source_ref ? checkSourceRef(s, fact.source_ref) : null;
  if (source && source !== 'ticket' && source.kind === 'step') {
    throw conflict('This fact comes from a step of the flow; change the answer at that step instead.', 'edit_at_source');
  }
  const [updated] = await tx<[FactRow]>`update session_facts set text = ${text}, updated_at = now() where id = ${factId} returning *`;
  return { fact: updated, stateVersion: s.state_version };
}

export async function removeFact(tx: Tx, sessionId: string, factId: string) {
  const s = await lockForWrite(tx, sessionId);
  const [fact] = await tx<[FactRow?]>`
    update session_facts set deleted_at = now() where id = ${factId} and session_id = ${sessionId} and deleted_at is null returning *`;
  if (!fact) throw notFound('Fact');
  return { stateVersion: s.state_version };
}
