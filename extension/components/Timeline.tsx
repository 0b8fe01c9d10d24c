// The session's timeline in order: steps answered, notes, commands run and what was observed. The engineer's
// own entries are corrected or removed here; steps (and facts taken from them) change at their source.
import { useSignal } from '@preact/signals';
import { isOpen } from '../../shared/sessions';
import { OWN_ENTRY_KINDS } from '../lib/panel/model';
import type { SessionDetail } from '../lib/common/api-types';
import { useModel } from './model-context';
import { formatClock } from './when';

type LaneItem = SessionDetail['lane'][number];

const KIND_LABEL: Record<string, string> = { step: 'Step', note: 'Note', command: 'Command', observation: 'Observed', status: 'Status' };

/**
 * What an entry says before the engineer asks to see its text: a step's title and answer, a status. Typed text
 * (notes, commands, a step's note) comes from the API with the account's redaction applied, and still reaches the
 * page's DOM only when the engineer shows that one entry.
 */
function headline(i: LaneItem): string {
  if (i.kind === 'step') return [i.nodeTitle ?? 'Step', i.optionLabel].filter(Boolean).join(' — ');
  if (i.kind === 'status') return `Session ${i.status ?? ''}`.trim();
  return '';
}

export function Timeline() {
  const m = useModel();
  const editing = useSignal<string | null>(null);
  const editText = useSignal('');
  const shown = useSignal<ReadonlySet<string>>(new Set());
  const kind = useSignal<'command' | 'observation' | 'note'>('observation');
  const draft = useSignal('');
  const s = m.session.value;
  if (!s) return null;
  const open = isOpen(s);
  const busy = m.busy.value !== null;
  const lane = s.lane;
  return (
    <section class="fp-card" data-fp="timeline">
      <h3>Timeline</h3>
      {lane.length === 0 ? (
        <p class="fp-muted">Nothing recorded yet.</p>
      ) : (
        <ol class="fp-list fp-timeline">
          {lane.map((i) => {
            const own = OWN_ENTRY_KINDS.includes(i.kind);
            return (
              <li key={i.id} class={`fp-lane fp-lane-${i.kind}`} data-fp="lane-item" data-kind={i.kind} data-item-id={i.id}>
                <span class="fp-lane-kind">{KIND_LABEL[i.kind] ?? i.kind}</span>
                <time class="fp-muted" dateTime={i.at}>
                  {formatClock(i.at, m.timeZone.value)}
                </time>
                {editing.value === i.id ? (
                  <form
                    class="fp-row"
                    onSubmit={(e) => {
                      e.preventDefault();
                      void m.editEntry(i.id, editText.value).then((ok) => {
                        if (ok) editing.value = null;
                      });
                    }}
                  >
                    <input class="fp-input" aria-label="Entry text" value={editText.value} onInput={(e) => (editText.value = e.currentTarget.value)} data-fp="lane-edit-input" />
                    <button class="fp-secondary" type="submit" disabled={busy} data-fp="lane-save">
                      Save
                    </button>
                    <button class="fp-link" type="button" onClick={() => (editing.value = null)}>
                      Cancel
                    </button>
                    {/\[redacted [a-z -]+\]/i.test(i.text ?? '') && (
                      <p class="fp-muted fp-small" data-fp="lane-edit-redacted">
                        Saving replaces the entry with this text: a hidden secret stays hidden, as its marker.
                      </p>
                    )}
                  </form>
                ) : (
                  <>
                    <span class={i.kind === 'command' ? 'fp-lane-text fp-mono' : 'fp-lane-text'} data-fp="lane-text">
                      {[headline(i), shown.value.has(i.id) ? i.text : ''].filter(Boolean).join(' — ')}
                    </span>
                    {i.text && !shown.value.has(i.id) && (
                      <button class="fp-link" data-fp="lane-show" aria-label={`Show the text of this ${KIND_LABEL[i.kind]?.toLowerCase() ?? 'entry'}`} onClick={() => (shown.value = new Set([...shown.value, i.id]))}>
                        Show text
                      </button>
                    )}
                    {i.editedAt && <span class="fp-badge">edited</span>}
                    {i.targets && i.targets.length > 0 && <span class="fp-muted"> · {i.targets.length} targets</span>}
                    {open && own && (
                      <span class="fp-fact-actions">
                        <button
                          class="fp-link"
                          aria-label={`Edit this ${KIND_LABEL[i.kind]?.toLowerCase() ?? 'entry'}`}
                          data-fp="lane-edit"
                          onClick={() => {
                            editText.value = i.text ?? '';
                            editing.value = i.id;
                          }}
                        >
                          Edit
                        </button>
                        <button class="fp-link" aria-label={`Delete this ${KIND_LABEL[i.kind]?.toLowerCase() ?? 'entry'}`} data-fp="lane-delete" disabled={busy} onClick={() => void m.removeEntry(i.id)}>
                          Delete
                        </button>
                      </span>
                    )}
                  </>
                )}
              </li>
            );
          })}
        </ol>
      )}
      {open && lane.some((i) => i.kind === 'step') && (
        <p class="fp-muted fp-small" data-fp="lane-source-hint">
          Steps are changed by answering them again in the flow; facts taken from a step are edited in "What we know".
        </p>
      )}
      {open && (
        <form
          class="fp-row"
          onSubmit={(e) => {
            e.preventDefault();
            const text = draft.value;
            if (!text.trim()) return;
            draft.value = '';
            void m.addEvent(kind.value, text);
          }}
        >
          <select class="fp-input fp-narrow" aria-label="Entry kind" value={kind.value} onChange={(e) => (kind.value = e.currentTarget.value as typeof kind.value)} data-fp="lane-kind">
            <option value="observation">Observed</option>
            <option value="command">Command</option>
            <option value="note">Note</option>
          </select>
          <input class="fp-input" aria-label="New timeline entry" placeholder="What you ran or saw" value={draft.value} onInput={(e) => (draft.value = e.currentTarget.value)} data-fp="lane-input" />
          <button class="fp-secondary" type="submit" disabled={busy} data-fp="lane-add">
            Add
          </button>
        </form>
      )}
    </section>
  );
}
