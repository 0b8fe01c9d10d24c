// "What we know": facts added by hand or accepted from the copilot; edit and remove.
import { useSignal } from '@preact/signals';
import { isOpen } from '../../shared/sessions';
import { useModel } from './model-context';

export function Facts() {
  const m = useModel();
  const draft = useSignal('');
  const editing = useSignal<string | null>(null);
  const editText = useSignal('');
  const s = m.session.value;
  if (!s) return null;
  const closed = !isOpen(s);
  const queuedFacts = m.queued.value.filter((q) => q.kind === 'addFact');
  return (
    <section class="fp-card" data-fp="facts">
      <h3>What we know</h3>
      {s.facts.length === 0 && queuedFacts.length === 0 && <p class="fp-muted">Nothing yet.</p>}
      <ul class="fp-list">
        {s.facts.map((f) => (
          <li key={f.id} class="fp-fact" data-fp="fact" data-fact-id={f.id}>
            {editing.value === f.id ? (
              <form
                class="fp-row"
                onSubmit={(e) => {
                  e.preventDefault();
                  void m.editFact(f.id, editText.value).then(() => (editing.value = null));
                }}
              >
                <input class="fp-input" value={editText.value} onInput={(e) => (editText.value = e.currentTarget.value)} />
                <button class="fp-secondary" type="submit">
                  Save
                </button>
              </form>
            ) : (
              <>
                <span class="fp-fact-text">{f.text}</span>
                {f.origin === 'copilot' && <span class="fp-badge">copilot</span>}
                {!closed && (
                  <span class="fp-fact-actions">
                    {!f.sourceRef?.startsWith('lane:') && (
                      <button
                        class="fp-link"
                        onClick={() => {
                          editText.value = f.text;
                          editing.value = f.id;
                        }}
                      >
                        Edit
                      </button>
                    )}
                    <button class="fp-link" onClick={() => void m.removeFact(f.id)} aria-label="Remove fact">
                      Remove
                    </button>
                  </span>
                )}
              </>
            )}
          </li>
        ))}
        {queuedFacts.map((q) => (
          <li key={q.id} class="fp-fact fp-pending" data-fp="fact-queued">
            <span class="fp-fact-text">{q.text}</span> <span class="fp-badge">queued</span>
          </li>
        ))}
      </ul>
      {!closed && (
        <form
          class="fp-row"
          onSubmit={(e) => {
            e.preventDefault();
            const text = draft.value;
            void m.addFact(text).then((ok) => {
              if (ok) draft.value = '';
            });
          }}
        >
          <input
            class="fp-input"
            placeholder="Add a fact (e.g. only Finance VLAN affected)"
            value={draft.value}
            onInput={(e) => (draft.value = e.currentTarget.value)}
            data-fp="fact-input"
          />
          <button class="fp-secondary" type="submit" data-fp="fact-add">
            Add
          </button>
        </form>
      )}
    </section>
  );
}
