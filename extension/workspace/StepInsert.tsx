// The editor's "Insert from step library": a searchable list of library steps; Insert adds one to the canvas (undoable).
import { useSignal } from '@preact/signals';
import { Msg } from './Msg';
import { ratingLabel } from './steps-model';
import type { WorkspaceModel } from './workspace-model';

export function StepInsert({ m }: { m: WorkspaceModel }) {
  const openList = useSignal(false);
  const s = m.steps;
  const toggle = () => {
    openList.value = !openList.value;
    if (openList.value) void s.load();
  };
  return (
    <span class="fp-step-insert">
      <button type="button" onClick={toggle} aria-expanded={openList.value} data-fp="ws-insert-step-open">
        Insert from step library
      </button>
      {openList.value ? (
        <div class="fp-card fp-step-picker" data-fp="ws-step-picker" aria-busy={s.loading.value}>
          <Msg f={s.feedback} id="ws-step-picker-msg" />
          <input type="search" placeholder="Search steps…" value={s.query.value} onInput={(e) => s.search(e.currentTarget.value)} data-fp="ws-step-picker-search" aria-label="Search steps" />
          {s.steps.value.length === 0 && !s.loading.value ? <p class="muted">No step matches.</p> : null}
          <ul class="list">
            {s.steps.value.map((step) => (
              <li key={step.id} class="row" data-fp="ws-step-pick" data-step-id={step.id}>
                <span class="grow">
                  <strong>{step.title}</strong> <span class="muted">{ratingLabel(step.rating)}</span>
                </span>
                <button
                  type="button"
                  onClick={async () => {
                    if (await s.insertInto(m.editor, step.id)) openList.value = false;
                  }}
                  data-fp="ws-step-insert"
                >
                  Insert
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </span>
  );
}
