// The current step of the flow: its options, a note box and a command box.
import { useSignal } from '@preact/signals';
import { useModel } from './model-context';

export function StepCard() {
  const m = useModel();
  const stepNote = useSignal('');
  const command = useSignal('');
  const node = m.session.value?.currentNode;
  const busy = m.busy.value !== null;
  return (
    <section class="fp-card" data-fp="step">
      {node ? (
        <>
          <h3 data-fp="step-title">{node.title}</h3>
          {node.body && <p class="fp-pre">{node.body}</p>}
          {node.command && (
            <pre class="fp-command">
              <code>{node.command}</code>
            </pre>
          )}
          <textarea
            class="fp-input"
            rows={2}
            placeholder="Note for this step (optional)"
            value={stepNote.value}
            onInput={(e) => (stepNote.value = e.currentTarget.value)}
            data-fp="step-note"
          />
          <div class="fp-options">
            {node.options.length === 0 ? (
              <button class="fp-primary" disabled={busy} onClick={() => void m.chooseOption(undefined, stepNote.value).then(() => (stepNote.value = ''))}>
                Done
              </button>
            ) : (
              node.options.map((o) => (
                <button
                  key={o.id}
                  class="fp-secondary"
                  disabled={busy}
                  data-fp="option"
                  data-option-id={o.id}
                  onClick={() => void m.chooseOption(o.id, stepNote.value).then(() => (stepNote.value = ''))}
                >
                  {o.label}
                </button>
              ))
            )}
          </div>
        </>
      ) : (
        <p class="fp-muted">{m.session.value?.flowId ? 'The flow is complete.' : 'No flow: record notes and commands as you go.'}</p>
      )}
      <form
        class="fp-row"
        onSubmit={(e) => {
          e.preventDefault();
          const text = command.value;
          command.value = '';
          void m.addEvent('command', text);
        }}
      >
        <input class="fp-input fp-mono" placeholder="Command you ran" value={command.value} onInput={(e) => (command.value = e.currentTarget.value)} />
        <button class="fp-secondary" type="submit">
          Log
        </button>
      </form>
    </section>
  );
}
