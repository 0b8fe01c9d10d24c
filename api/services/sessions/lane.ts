// Items of a session's timeline (ai_sessions.pending_task_lane): steps, notes, commands, observations.
import { randomBytes } from 'node:crypto';
import { redactText, type RedactionRules } from '../redaction/index.js';

export type LaneKind = 'step' | 'note' | 'command' | 'observation' | 'status';

export interface LaneItem {
  id: string;
  kind: LaneKind;
  at: string;
  by: string | null;
  text?: string;
  /** For steps: the flow node answered, its title and kind, and the option chosen. */
  nodeId?: string;
  nodeTitle?: string;
  nodeKind?: string;
  optionId?: string;
  optionLabel?: string;
  command?: string;
  /** For status items: the new status. */
  status?: string;
  /** For steps of a maintenance run: the result on each target (server, workstation …). */
  targets?: TargetResult[];
  /** For commands run from the script library: the template used (such commands never become drafts again). */
  templateId?: string;
  /** Set when the author (or a team admin) corrected the entry's text. */
  editedAt?: string;
  editedBy?: string;
}

export interface TargetResult {
  name: string;
  result: 'done' | 'failed' | 'skipped';
  note?: string;
}

export const newLaneItemId = () => `li_${randomBytes(6).toString('hex')}`;

/**
 * An item as responses carry it: what the engineer typed (text, a command, a target's note) with the account's
 * redaction applied, as in the note. The stored item keeps the original; an edit replaces the stored text.
 */
export function redactLaneItem(item: LaneItem, rules: RedactionRules): LaneItem {
  const r = (v: string | undefined) => (v === undefined ? v : redactText(v, rules));
  return {
    ...item,
    ...(item.text !== undefined ? { text: r(item.text) } : {}),
    ...(item.command !== undefined ? { command: r(item.command) } : {}),
    ...(item.targets ? { targets: item.targets.map((t) => (t.note === undefined ? t : { ...t, note: r(t.note) })) } : {}),
  };
}
