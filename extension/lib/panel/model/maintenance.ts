// Maintenance runs: a flow walked across several targets. The engineer names the targets once; each step is
// recorded with its result (done, failed, skipped, and a note) on every target; the grid comes from the API.
import { signal } from '@preact/signals';
import type { Res } from '../../common/api-types';
import type { TargetResult } from '../../common/operations';
import type { Core, Load } from './core';

export type TargetGrid = Res<'/v1/sessions/:id/targets', '$get'>;

/** "NW-DC01, NW-SQL01\nNW-FS01" → the names, once each, in order. */
export function parseTargets(text: string): string[] {
  return [...new Set(text.split(/[,\n]/).map((t) => t.trim()).filter(Boolean))];
}

export function createMaintenance(core: Core) {
  const { deps, session, sid, run } = core;
  const targets = signal<string[]>([]);
  /** This step's result per target, as the engineer sets it before answering the step. */
  const cells = signal<Record<string, { result: TargetResult['result']; note: string }>>({});
  const grid = signal<{ load: Load; data: TargetGrid | null }>({ load: 'idle', data: null });

  function setTargets(names: string[]) {
    targets.value = names;
    cells.value = Object.fromEntries(names.map((n) => [n, cells.value[n] ?? { result: 'done' as const, note: '' }]));
  }

  function setCell(name: string, cell: Partial<{ result: TargetResult['result']; note: string }>) {
    const cur = cells.value[name] ?? { result: 'done' as const, note: '' };
    cells.value = { ...cells.value, [name]: { ...cur, ...cell } };
  }

  async function loadGrid() {
    const id = sid();
    if (!id) return;
    grid.value = { ...grid.value, load: 'loading' };
    const r = await deps.call('sessionTargets', { sessionId: id });
    if (sid() !== id) return;
    grid.value = r.ok ? { load: 'ready', data: r.data } : { ...grid.value, load: 'error' };
    // Names from an earlier visit come back with the grid, so the engineer does not type them again.
    if (r.ok && targets.value.length === 0 && r.data.targets.length) setTargets(r.data.targets);
  }

  /** Answers the current step with its result on each target. */
  async function recordOnTargets(optionId: string | undefined) {
    const s = session.value;
    const node = s?.currentNode;
    if (!s || !node || targets.value.length === 0) return;
    const results: TargetResult[] = targets.value.map((name) => {
      const c = cells.value[name] ?? { result: 'done', note: '' };
      return { name, result: c.result, ...(c.note.trim() ? { note: c.note.trim() } : {}) };
    });
    const r = await run('Record step', () => deps.call('recordStep', { sessionId: s.id, nodeId: node.id, optionId, targets: results }), (d) => {
      session.value = d.session;
    });
    if (r.ok) {
      cells.value = Object.fromEntries(targets.value.map((n) => [n, { result: 'done' as const, note: '' }]));
      await loadGrid();
    }
  }

  function reset() {
    targets.value = [];
    cells.value = {};
    grid.value = { load: 'idle', data: null };
  }

  return { targets, cells, grid, setTargets, setCell, loadGrid, recordOnTargets, reset };
}
