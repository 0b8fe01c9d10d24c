// The engineer's own timeline entries (notes, commands, observations): corrected or removed by their author
// or a team admin. Steps and status items are history: a step is changed by answering it again.
import { roleAtLeast, type AuthContext } from '../../auth/tokens.js';
import type { Tx } from '../../db/database.js';
import { conflict, forbidden, notFound } from '../../lib/errors.js';
import { lockForWrite } from './index.js';
import { loadRedactionRules } from '../redaction/index.js';
import { redactLaneItem, type LaneItem } from './lane.js';

const OWN_KINDS: readonly LaneItem['kind'][] = ['note', 'command', 'observation'];

/** Locks the session (a note-changing write) and finds an item this user may change. */
async function editable(tx: Tx, sessionId: string, itemId: string, who: AuthContext) {
  const s = await lockForWrite(tx, sessionId);
  const item = s.pending_task_lane.find((i) => i.id === itemId);
  if (!item) throw notFound('Timeline item');
  if (!OWN_KINDS.includes(item.kind)) {
    throw conflict(
      item.kind === 'step' ? 'This entry is a step of the flow; change the answer at that step instead.' : 'Status entries are the session\'s history and cannot be changed.',
      'edit_at_source',
    );
  }
  if (item.by !== who.userId && !roleAtLeast(who.role, 'team_admin')) throw forbidden('Only the engineer who wrote this entry, or a team admin, can change it.');
  return { s, item };
}

export async function editLaneItem(tx: Tx, sessionId: string, itemId: string, who: AuthContext, text: string) {
  const { s, item } = await editable(tx, sessionId, itemId, who);
  const edited: LaneItem = { ...item, text, editedAt: new Date().toISOString(), editedBy: who.userId };
  const lane = s.pending_task_lane.map((i) => (i.id === itemId ? edited : i));
  await tx`update ai_sessions set pending_task_lane = ${tx.json(lane as never)} where id = ${sessionId}`;
  return { item: redactLaneItem(edited, await loadRedactionRules(tx)), stateVersion: s.state_version };
}

export async function deleteLaneItem(tx: Tx, sessionId: string, itemId: string, who: AuthContext) {
  const { s } = await editable(tx, sessionId, itemId, who);
  // A fact that cites this entry would point at nothing: the engineer removes (or re-sources) the fact first.
  const [cited] = await tx<[{ n: number }]>`
    select count(*)::int as n from session_facts where session_id = ${sessionId} and source_ref = ${`lane:${itemId}`} and deleted_at is null`;
  if (cited.n > 0) throw conflict(`${cited.n === 1 ? 'A fact in "What we know" comes' : `${cited.n} facts in "What we know" come`} from this entry; remove ${cited.n === 1 ? 'it' : 'them'} first.`, 'item_has_facts');
  const lane = s.pending_task_lane.filter((i) => i.id !== itemId);
  await tx`update ai_sessions set pending_task_lane = ${tx.json(lane as never)} where id = ${sessionId}`;
  return { ok: true as const, stateVersion: s.state_version };
}
