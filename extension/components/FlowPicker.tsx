// Choose (or confirm) a flow for the ticket: the recommended ones first, or work without a flow.
import { useModel } from './model-context';

export function FlowPicker() {
  const m = useModel();
  const busy = m.busy.value !== null;
  return (
    <section class="fp-card" data-fp="flow-picker">
      <h3>
        Choose a flow
        <button class="fp-link fp-push" disabled={busy} onClick={() => void m.startSession(null)} data-fp="start-without-flow">
          Work without a flow
        </button>
      </h3>
      <form
        class="fp-row"
        onSubmit={(e) => {
          e.preventDefault();
          void m.loadFlows(m.flowQuery.value);
        }}
      >
        <input
          class="fp-input"
          placeholder="Search flows"
          value={m.flowQuery.value}
          onInput={(e) => (m.flowQuery.value = e.currentTarget.value)}
          data-fp="flow-search"
        />
        <button class="fp-secondary" type="submit">
          Search
        </button>
      </form>
      {m.flowsLoad.value === 'loading' && <p class="fp-muted">Loading flows…</p>}
      {m.flowsLoad.value === 'ready' && m.flows.value.length === 0 && <p class="fp-muted">No flows match.</p>}
      <ul class="fp-list">
        {m.flows.value.map((f) => (
          <li key={f.id} class="fp-flow" data-fp="flow" data-flow-id={f.id}>
            <div>
              <strong>{f.title}</strong>
              {m.recommended.value.includes(f.id) && <span class="fp-badge">Recommended</span>}
              <div class="fp-muted">{f.kind}</div>
            </div>
            <button class="fp-primary" disabled={busy} onClick={() => void m.startSession(f.id)} data-fp="start-flow">
              Start
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
