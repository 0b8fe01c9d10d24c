// What the team knows about this client: confirmed memory first, proposed items to confirm; each editable.
import { useSignal } from '@preact/signals';
import type { CompanyMemory } from '../lib/panel/model/memory';
import { useModel } from './model-context';

type Item = CompanyMemory['confirmed'][number];

export function MemoryCard() {
  const m = useModel();
  const mem = m.memory.value;
  if (!mem || (!mem.confirmed.length && !mem.proposed.length)) return null;
  return (
    <section class="fp-card" data-fp="client-memory" aria-label={`What we know about ${mem.company}`}>
      <h3>About {mem.company}</h3>
      <ul class="fp-list">
        {mem.confirmed.map((f) => (
          <MemoryItem key={f.id} item={f} />
        ))}
      </ul>
      {mem.proposed.length > 0 && (
        <>
          <p class="fp-muted">Proposed, not yet confirmed:</p>
          <ul class="fp-list" data-fp="memory-proposed">
            {mem.proposed.map((f) => (
              <MemoryItem key={f.id} item={f} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function MemoryItem(props: { item: Item }) {
  const m = useModel();
  const f = props.item;
  const editing = useSignal<string | null>(null);
  const busy = m.busy.value !== null;
  if (editing.value !== null)
    return (
      <li class="fp-fact" data-fp="memory-item">
        <input class="fp-input" aria-label="Edit the client memory" value={editing.value} onInput={(e) => (editing.value = e.currentTarget.value)} data-fp="memory-edit-text" />
        <button
          class="fp-link"
          disabled={busy}
          onClick={() => {
            const text = editing.value ?? '';
            editing.value = null;
            void m.editMemory(f.id, text);
          }}
          data-fp="memory-save"
        >
          Save
        </button>
      </li>
    );
  return (
    <li class="fp-fact" data-fp="memory-item" data-state={f.state} data-memory-id={f.id}>
      <span class="fp-fact-text">
        {f.text}
        {f.source.ticket && (
          <span class="fp-muted" data-fp="memory-source" title={f.origin === 'model' ? 'Proposed by the model' : f.origin === 'rule' ? 'Found by rules' : undefined}>
            {' '}
            (from ticket #{f.source.ticket.replace(/^#/, '')})
          </span>
        )}
      </span>
      {f.state === 'proposed' && (
        <button class="fp-link" disabled={busy} onClick={() => void m.confirmMemory(f.id)} data-fp="memory-confirm">
          Confirm
        </button>
      )}
      <button class="fp-link" disabled={busy} onClick={() => (editing.value = f.text)} aria-label={`Edit: ${f.text}`} data-fp="memory-edit">
        Edit
      </button>
      <button class="fp-link" disabled={busy} onClick={() => void m.deleteMemory(f.id)} aria-label={`Delete: ${f.text}`} data-fp="memory-delete">
        Delete
      </button>
    </li>
  );
}
