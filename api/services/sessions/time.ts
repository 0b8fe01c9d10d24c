// How long a session was worked: from its start to its end, less the time it sat paused.
import { workSpan } from '../../../shared/time.js';
import type { SessionRow } from './index.js';

export interface WorkSpan {
  start: Date;
  /** The later of ended_at and the last timeline item. */
  end: Date;
  pausedMs: number;
  workMs: number;
}

/** The shared count (shared/time.ts) over the session row: a "paused" status item pauses the clock. */
export function sessionWorkSpan(s: Pick<SessionRow, 'created_at' | 'ended_at' | 'pending_task_lane'>): WorkSpan {
  const { endMs, pausedMs, workMs } = workSpan(s.created_at.getTime(), s.ended_at?.getTime() ?? null, s.pending_task_lane);
  return { start: s.created_at, end: new Date(endMs), pausedMs, workMs };
}
