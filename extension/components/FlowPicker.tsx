// Choose a flow for the ticket (recommended ones first) or work without one; on an open session, change its flow.
import { useModel } from './model-context';

export function FlowPicker() {
  const m = useModel();
  const busy = m.busy.value !== null;
  const s = m.session.value;
  // With a session open the picker changes its flow; without one it starts the session.
  const changing = s !== null;
  return (
    <section class="fp-card" data-fp="flow-picker">
      <h3>
        {changing ? (s.flowId ? 'Change the flow' : 'Choose a flow') : 'Choose a flow'}
        {changing ? (
          <button class="fp-link fp-push" disabled={busy} onClick={() => m.changeFlow(false)} data-fp="flow-change-cancel">
            {s.flowId ? 'Keep the current flow' : 'Cancel'}
          </button>
        ) : (
          <button class="fp-link fp-push" disabled={busy} onClick={() => void m.startSession(null)} data-fp="start-without-flow">
            Work without a flow
          </button>
        )}
      </h3>
      {changing && <p class="fp-muted">The new flow starts at its first step; what you recorded so far stays on the session.</p>}
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
      {/* A refresh keeps the list where it is (marked busy): a line pushed in above it would move the buttons under the cursor. */}
      {m.flowsLoad.value === 'loading' && m.flows.value.length === 0 && <p class="fp-muted">Loading flows…</p>}
      {m.flowsLoad.value === 'ready' && m.flows.value.length === 0 && <p class="fp-muted">No flows match.</p>}
      <ul class="fp-list" aria-busy={m.flowsLoad.value === 'loading'} aria-label="Flows">
        {m.flows.value.map((f) => {
          const current = changing && s.flowId === f.id;
          return (
            <li key={f.id} class="fp-flow" data-fp="flow" data-flow-id={f.id}>
              <div>
                <strong>{f.title}</strong>
                {m.recommended.value.includes(f.id) && <span class="fp-badge">Recommended</span>}
                <div class="fp-muted">{f.kind}</div>
              </div>
              <button class="fp-primary" disabled={busy || current} onClick={() => void m.startSession(f.id)} data-fp="start-flow">
                {current ? 'Current' : changing ? 'Use' : 'Start'}
              </button>
            </li>
          );
        })}
      </ul>
      {changing && s.flowId && (
        <button class="fp-link" disabled={busy} onClick={() => void m.chooseFlow(null)} data-fp="remove-flow">
          Continue without a flow
        </button>
      )}
    </section>
  );
}
