// The AI flow builder: describe the problem, watch the draft's steps arrive, get the draft flow (offline: the closest
// library flow or a skeleton), open it in the editor to save.
import type { FlowKind } from '../lib/common/api-types';
import { Msg } from './Msg';
import type { WorkspaceModel } from './workspace-model';

const KINDS: FlowKind[] = ['troubleshooting', 'procedural', 'maintenance'];

export function Builder({ m }: { m: WorkspaceModel }) {
  const b = m.builder;
  const g = b.result.value;
  return (
    <section class="fp-ws-wide fp-builder" data-fp="ws-builder" aria-label="AI flow builder">
      <div class="fp-card">
        <h2>AI flow builder</h2>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void b.generate();
          }}
        >
          <textarea
            name="builderPrompt"
            rows={4}
            maxLength={2000}
            aria-label="Describe the problem"
            placeholder="Describe the problem the flow should solve, e.g. 'Outlook keeps asking for the password after a reset'"
            value={b.prompt.value}
            onInput={(e) => (b.prompt.value = e.currentTarget.value)}
            disabled={!m.canEdit.value}
          />
          <div class="row">
            <select name="builderKind" aria-label="Kind of flow" value={b.kind.value} onChange={(e) => (b.kind.value = e.currentTarget.value as FlowKind | '')}>
              <option value="">Any kind</option>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
            <button type="submit" class="primary" disabled={b.busy.value || !m.canEdit.value} data-fp="ws-builder-generate">
              {b.busy.value ? 'Drafting…' : 'Draft a flow'}
            </button>
          </div>
        </form>
        {!m.canEdit.value ? <p class="muted">Drafting flows is for engineers and team admins.</p> : null}
        <Msg f={b.feedback} id="ws-builder-msg" />
        {b.busy.value && b.steps.value.length ? (
          <ol class="list muted" data-fp="ws-builder-drafting" aria-live="polite">
            {b.steps.value.map((s) => (
              <li key={s.id} data-fp="ws-builder-drafting-step">
                {s.title}
              </li>
            ))}
          </ol>
        ) : null}
        {g ? (
          <div data-fp="ws-builder-result">
            <h3>{g.draft.title}</h3>
            <p class="hint">
              {g.draft.kind} · {g.draft.graph.nodes.length} steps{g.draft.description ? ` · ${g.draft.description}` : ''}
            </p>
            <ol class="list">
              {g.draft.graph.nodes.map((n) => (
                <li key={n.id} data-fp="ws-builder-step">
                  {n.title}
                </li>
              ))}
            </ol>
            <button type="button" class="primary" onClick={m.openDraft} data-fp="ws-builder-open">
              Open in the editor
            </button>
          </div>
        ) : null}
      </div>
    </section>
  );
}
