// How long a session was worked: from its start to its end, less the time it sat paused.
import type { SessionRow } from './index.js';

export interface WorkSpan {
  start: Date;
  /** The later of ended_at and the last timeline item. */
  end: Date;
  pausedMs: number;
  workMs: number;
}

/** A "paused" status item pauses the clock until the next non-paused status item (or the end). */
export function sessionWorkSpan(s: Pick<SessionRow, 'created_at' | 'ended_at' | 'pending_task_lane'>): WorkSpan {
  const lane = s.pending_task_lane;
  const last = lane.length ? new Date(lane[lane.length - 1]!.at) : s.created_at;
  const end = s.ended_at && s.ended_at > last ? s.ended_at : last;
  let pausedMs = 0;
  let pausedAt: number | null = null;
  for (const item of lane) {
    if (item.kind !== 'status') continue;
    if (item.status === 'paused' && pausedAt === null) pausedAt = new Date(item.at).getTime();
    else if (item.status && item.status !== 'paused' && pausedAt !== null) {
      pausedMs += new Date(item.at).getTime() - pausedAt;
      pausedAt = null;
    }
  }
  if (pausedAt !== null) pausedMs += Math.max(0, end.getTime() - pausedAt);
  return { start: s.created_at, end, pausedMs, workMs: Math.max(0, end.getTime() - s.created_at.getTime() - pausedMs) };
}
