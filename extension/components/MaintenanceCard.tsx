// A maintenance run: the targets (servers, workstations), this step's result on each, and the step × target
// grid of what was done so far. Shown for a maintenance flow, or once a step named targets.
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { isOpen } from '../../shared/sessions';
import { parseTargets } from '../lib/panel/model';
import { useModel } from './model-context';

const RESULT_MARK = { done: '✓ done', failed: '✗ failed', skipped: '– skipped' } as const;

export function MaintenanceCard() {
  const m = useModel();
  const mt = m.maintenance;
  const names = useSignal('');
  const s = m.session.value;
  const flowKind = m.flows.value.find((f) => f.id === s?.flowId)?.kind;
  const stepsWithTargets = s?.lane.filter((i) => i.kind === 'step' && i.targets?.length).length ?? 0;
  const shown = !!s && (flowKind === 'maintenance' || stepsWithTargets > 0);
  useEffect(() => {
    if (shown) void mt.loadGrid();
  }, [shown, s?.id, stepsWithTargets]);
  if (!s || !shown) return null;
  const open = isOpen(s);
  const node = s.currentNode;
  const busy = m.busy.value !== null;
  const grid = mt.grid.value;
  return (
    <section class="fp-card" data-fp="maintenance">
      <h3>Maintenance run</h3>
      {open && (
        <form
          class="fp-row"
          onSubmit={(e) => {
            e.preventDefault();
            mt.setTargets(parseTargets(names.value));
          }}
        >
          <input
            class="fp-input"
            aria-label="Targets, separated by commas"
            placeholder="Targets: NW-DC01, NW-SQL01"
            value={names.value || mt.targets.value.join(', ')}
            onInput={(e) => (names.value = e.currentTarget.value)}
            data-fp="targets-input"
          />
          <button class="fp-secondary" type="submit" data-fp="targets-set">
            Set targets
          </button>
        </form>
      )}
      {open && node && mt.targets.value.length > 0 && (
        <fieldset class="fp-targets" data-fp="target-cells">
          <legend>“{node.title}” on each target</legend>
          {mt.targets.value.map((t) => {
            const c = mt.cells.value[t] ?? { result: 'done', note: '' };
            return (
              <div class="fp-row" key={t} data-fp="target-cell" data-target={t}>
                <span class="fp-target-name">{t}</span>
                <select class="fp-input fp-narrow" aria-label={`Result on ${t}`} value={c.result} onChange={(e) => mt.setCell(t, { result: e.currentTarget.value as 'done' })} data-fp="target-result">
                  <option value="done">Done</option>
                  <option value="failed">Failed</option>
                  <option value="skipped">Skipped</option>
                </select>
                <input class="fp-input" aria-label={`Note for ${t}`} placeholder="Note (optional)" value={c.note} onInput={(e) => mt.setCell(t, { note: e.currentTarget.value })} data-fp="target-note" />
              </div>
            );
          })}
          <div class="fp-options">
            {(node.options.length ? node.options : [{ id: undefined, label: 'Done' }]).map((o) => (
              <button key={o.id ?? 'done'} class="fp-secondary" disabled={busy} onClick={() => void mt.recordOnTargets(o.id)} data-fp="record-targets">
                {o.label} · record on {mt.targets.value.length} targets
              </button>
            ))}
          </div>
        </fieldset>
      )}
      {grid.load === 'loading' && !grid.data && (
        <p class="fp-muted" role="status">
          <span class="fp-spinner" aria-hidden="true" /> Loading the run…
        </p>
      )}
      {grid.load === 'error' && (
        <p class="fp-muted">
          The run's grid could not be loaded.{' '}
          <button class="fp-link" onClick={() => void mt.loadGrid()}>
            Retry
          </button>
        </p>
      )}
      {grid.data && grid.data.steps.length > 0 && (
        <div class="fp-grid-wrap">
          <table class="fp-grid" data-fp="target-grid">
            <caption class="fp-muted">Steps × targets</caption>
            <thead>
              <tr>
                <th scope="col">Step</th>
                {grid.data.targets.map((t) => (
                  <th scope="col" key={t}>
                    {t}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {grid.data.steps.map((row) => (
                <tr key={row.itemId}>
                  <th scope="row">{row.title}</th>
                  {grid.data!.targets.map((t) => {
                    const c = row.cells[t];
                    return (
                      <td key={t} class={c ? `fp-cell-${c.result}` : ''} data-fp="grid-cell" data-target={t} data-result={c?.result ?? ''}>
                        {c ? RESULT_MARK[c.result] : '—'}
                        {c?.note && <div class="fp-small">{c.note}</div>}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
