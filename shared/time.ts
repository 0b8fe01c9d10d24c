// Worked time, counted the same way by the API (the default minutes it logs, the note's "time spent") and
// the panel (the minutes it proposes before logging).

/** The most minutes one time entry may carry (a day). */
export const MAX_MINUTES = 1440;

/** What of a timeline item the clock reads: "status" items pause and resume it. */
export interface ClockItem {
  kind: string;
  at: string;
  status?: string | null;
}

export interface WorkSpanMs {
  /** The later of the end and the last timeline item (the start when there is neither). */
  endMs: number;
  pausedMs: number;
  workMs: number;
}

/**
 * From the start to the later of the end and the last timeline item, less paused time: a "paused"
 * status item stops the clock until the next non-paused status item (or the end). Items whose time
 * does not parse are skipped.
 */
export function workSpan(startMs: number, endedMs: number | null, lane: readonly ClockItem[]): WorkSpanMs {
  const lastItem = lane.length ? Date.parse(lane[lane.length - 1]!.at) : NaN;
  const last = Number.isNaN(lastItem) ? startMs : lastItem;
  const endMs = endedMs !== null && !Number.isNaN(endedMs) && endedMs > last ? endedMs : last;
  let pausedMs = 0;
  let pausedAt: number | null = null;
  for (const item of lane) {
    if (item.kind !== 'status') continue;
    const at = Date.parse(item.at);
    if (Number.isNaN(at)) continue;
    if (item.status === 'paused' && pausedAt === null) pausedAt = at;
    else if (item.status && item.status !== 'paused' && pausedAt !== null) {
      pausedMs += at - pausedAt;
      pausedAt = null;
    }
  }
  if (pausedAt !== null) pausedMs += Math.max(0, endMs - pausedAt);
  return { endMs, pausedMs, workMs: Math.max(0, endMs - startMs - pausedMs) };
}

/** Worked time as minutes to log: rounded up, within 1..MAX_MINUTES. */
export const minutesOf = (workMs: number): number => Math.min(MAX_MINUTES, Math.max(1, Math.ceil(workMs / 60_000)));

