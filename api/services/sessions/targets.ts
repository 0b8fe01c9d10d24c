// Maintenance runs: a flow walked across several targets (servers, workstations). Each step records what it
// did on each target; this turns the timeline into the step × target grid the panel and the note show.
import type { LaneItem, TargetResult } from './lane.js';

export interface TargetGrid {
  /** Every target named by a step, in the order first seen. */
  targets: string[];
  /** One row per recorded step that named targets, in timeline order. */
  steps: Array<{ itemId: string; nodeId: string | null; title: string; at: string; cells: Record<string, { result: TargetResult['result']; note: string | null }> }>;
  /** Per target: how many steps were done, failed or skipped on it. */
  totals: Record<string, { done: number; failed: number; skipped: number }>;
}

export function targetGrid(lane: readonly LaneItem[]): TargetGrid {
  const targets: string[] = [];
  const totals: TargetGrid['totals'] = {};
  const steps: TargetGrid['steps'] = [];
  for (const item of lane) {
    if (item.kind !== 'step' || !item.targets?.length) continue;
    const cells: TargetGrid['steps'][number]['cells'] = {};
    for (const t of item.targets) {
      if (!(t.name in totals)) {
        targets.push(t.name);
        totals[t.name] = { done: 0, failed: 0, skipped: 0 };
      }
      // A target named twice in one step: the last result stands, as the engineer corrected it.
      const prev = cells[t.name];
      if (prev) totals[t.name]![prev.result]--;
      cells[t.name] = { result: t.result, note: t.note ?? null };
      totals[t.name]![t.result]++;
    }
    steps.push({ itemId: item.id, nodeId: item.nodeId ?? null, title: item.nodeTitle ?? item.nodeId ?? 'Step', at: item.at, cells });
  }
  return { targets, steps, totals };
}

/** One line per target for the note: its tally, then each step's result on it ("Reboot failed (hung at 30%)"). */
export function targetLines(grid: TargetGrid, text: (s: string) => string): string[] {
  return grid.targets.map((name) => {
    const t = grid.totals[name]!;
    const tally = [t.done && `${t.done} done`, t.failed && `${t.failed} failed`, t.skipped && `${t.skipped} skipped`].filter(Boolean).join(', ');
    const cells = grid.steps
      .filter((s) => s.cells[name])
      .map((s) => {
        const c = s.cells[name]!;
        return `${text(s.title)} ${c.result}${c.note ? ` (${text(c.note)})` : ''}`;
      });
    return `${text(name)} — ${tally}: ${cells.join('; ')}`;
  });
}
