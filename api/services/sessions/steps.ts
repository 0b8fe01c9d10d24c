// Walking a session's flow one step at a time, and free events on its timeline.
import type { Tx } from '../../db/database.js';
import { conflict, unprocessable } from '../../lib/errors.js';
import { findNode } from '../flow-graph.js';
import { appendLane, lockForWrite, sessionDetail } from './index.js';
import { loadRedactionRules } from '../redaction/index.js';
import { redactLaneItem, type LaneKind, type TargetResult } from './lane.js';

export interface StepInput {
  nodeId: string;
  optionId?: string;
  note?: string | null;
  targets?: TargetResult[];
}

/**
 * Records the current step and moves to the node its option leads to. Only the current step may be
 * recorded (a stale panel gets a 409), and a step with options needs one of them.
 */
export async function walkStep(tx: Tx, id: string, userId: string, step: StepInput) {
  const s = await lockForWrite(tx, id);
  if (!s.flow_graph) throw unprocessable('This session has no flow yet: choose a flow before recording steps.', 'no_flow');
  if (step.nodeId !== s.current_node_id) {
    throw conflict(`Step "${step.nodeId}" is not the current step ("${s.current_node_id ?? 'none'}"); reload the session.`, 'stale_step');
  }
  const node = findNode(s.flow_graph, step.nodeId);
  if (!node) throw unprocessable(`Node "${step.nodeId}" is not in this session's flow.`, 'bad_step');
  const option = step.optionId ? node.options.find((o) => o.id === step.optionId) : undefined;
  if (step.optionId && !option) throw unprocessable(`Option "${step.optionId}" does not belong to step "${node.id}".`, 'bad_step');
  if (!step.optionId && node.options.length > 0) {
    throw unprocessable(`Step "${node.id}" needs one of its options: ${node.options.map((o) => o.id).join(', ')}.`, 'bad_step');
  }
  const item = await appendLane(tx, id, {
    kind: 'step',
    by: userId,
    nodeId: node.id,
    nodeTitle: node.title,
    nodeKind: node.kind,
    optionId: option?.id,
    optionLabel: option?.label,
    command: node.command,
    text: step.note ?? undefined,
    ...(step.targets?.length ? { targets: step.targets } : {}),
  });
  const next = option?.next ?? null;
  await tx`update ai_sessions set current_node_id = ${next} where id = ${id}`;
  return { item: redactLaneItem(item, await loadRedactionRules(tx)), session: await sessionDetail(tx, id) };
}

export async function recordEvent(tx: Tx, id: string, userId: string, event: { kind: Extract<LaneKind, 'note' | 'command' | 'observation'>; text: string }) {
  const s = await lockForWrite(tx, id);
  const item = await appendLane(tx, s.id, { kind: event.kind, by: userId, text: event.text });
  return { item: redactLaneItem(item, await loadRedactionRules(tx)), stateVersion: s.state_version };
}
