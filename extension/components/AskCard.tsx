// "Ask FlowPilot": the copilot's streamed answer, its tier, and proposals to accept.
import { useSignal } from '@preact/signals';
import { useModel } from './model-context';

const BAND_LABEL: Record<string, string> = { discovery: 'Discovery', exploring: 'Exploring', guided: 'Guided' };
const bandOf = (confidence: number) => (confidence < 0.4 ? 'discovery' : confidence < 0.8 ? 'exploring' : 'guided');

export function AskCard() {
  const m = useModel();
  const question = useSignal('');
  const p = m.ask.proposal.value;
  return (
    <section class="fp-card" data-fp="ask">
      <h3>Ask FlowPilot</h3>
      <form
        class="fp-row"
        onSubmit={(e) => {
          e.preventDefault();
          m.askCopilot(question.value || undefined);
        }}
      >
        <input class="fp-input" placeholder="What should I check next?" value={question.value} onInput={(e) => (question.value = e.currentTarget.value)} />
        <button class="fp-primary" type="submit" disabled={m.ask.streaming.value} data-fp="ask-button">
          {m.ask.streaming.value ? 'Thinking…' : 'Ask'}
        </button>
      </form>
      {m.ask.error.value && <div class="fp-error">{m.ask.error.value}</div>}
      {m.ask.text.value && <p class="fp-pre" data-fp="ask-text">{m.ask.text}</p>}
      {p && (
        <div data-fp="proposal">
          <div>
            <span class="fp-badge" data-fp="tier" title="Confidence tier">
              {BAND_LABEL[String(p.band ?? bandOf(p.confidence ?? 0))] ?? String(p.band)}
            </span>
            {typeof p.confidence === 'number' && <span class="fp-muted"> {Math.round(p.confidence * 100)}%</span>}
            <span class="fp-muted">
              {' '}
              · {p.tier}
              {p.model ? ` (${p.model})` : ''}
            </span>
          </div>
          {p.rationale && <p class="fp-pre fp-muted">{p.rationale}</p>}
          {p.nextStep && <p>Next: {p.nextStep.title}</p>}
          {p.facts.length > 0 && (
            <ul class="fp-list">
              {p.facts.map((f, i) => {
                const text = typeof f === 'string' ? f : f.text;
                const sourceRef = typeof f === 'string' ? null : (f.sourceRef ?? null);
                return (
                  <li key={i} class="fp-fact">
                    <span class="fp-fact-text">{text}</span>
                    <button class="fp-link" onClick={() => void m.addFact(text, sourceRef, 'copilot')} data-fp="accept-proposed-fact">
                      Add to what we know
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
          {p.fix && !m.session.value?.activeFix && (
            <button class="fp-secondary" onClick={() => p.fix && void m.proposeFix(p.fix, 'copilot')}>
              Suggest fix: {p.fix.title}
            </button>
          )}
        </div>
      )}
    </section>
  );
}
