// "Ask FlowPilot": the session's conversation (history, streamed prose, sources, thumbs), and the
// suggested next step with its tier and proposals to accept.
import { useSignal } from '@preact/signals';
import type { AskSource, AskTurn } from '../lib/common/api-types';
import type { Rating } from '../lib/panel/model/ask';
import { useModel } from './model-context';
import { WhatWillBeSent } from './PreviewCard';

const BAND_LABEL: Record<string, string> = { discovery: 'Discovery', exploring: 'Exploring', guided: 'Guided' };
const bandOf = (confidence: number) => (confidence < 0.4 ? 'discovery' : confidence < 0.8 ? 'exploring' : 'guided');
const KIND_LABEL: Record<string, string> = { session: 'Past ticket', flow: 'Flow', script: 'Script', memory: 'Client memory' };

export function AskCard(props: { onOpenSource: (ref: string) => void }) {
  const m = useModel();
  const question = useSignal('');
  const a = m.ask;
  return (
    <section class="fp-card" data-fp="ask">
      <div class="fp-row">
        <h3>Ask FlowPilot</h3>
        <span class="fp-push" title="What your question would send">
          <WhatWillBeSent purpose="ask" question={question.value} />
        </span>
      </div>
      {a.turns.value.length > 0 && (
        <ol class="fp-conversation" data-fp="ask-history" aria-label="Conversation">
          {a.turns.value.map((t) => (
            <Turn key={t.id} turn={t} onOpenSource={props.onOpenSource} />
          ))}
        </ol>
      )}
      {a.pendingQuestion.value && (
        <div class="fp-turn" data-fp="ask-pending" aria-live="polite">
          <p class="fp-question">{a.pendingQuestion.value}</p>
          <p class="fp-pre" data-fp="ask-text">
            {a.text.value || 'Thinking…'}
          </p>
          <Sources sources={a.sources.value} onOpenSource={props.onOpenSource} />
        </div>
      )}
      <form
        class="fp-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (!question.value.trim()) return;
          m.askQuestion(question.value);
          question.value = '';
        }}
      >
        <input
          class="fp-input"
          aria-label="Ask a question about this ticket"
          placeholder="Ask like you would a colleague…"
          value={question.value}
          onInput={(e) => (question.value = e.currentTarget.value)}
          data-fp="ask-input"
        />
        <button class="fp-primary" type="submit" disabled={a.streaming.value || !question.value.trim()} data-fp="ask-button">
          {a.streaming.value && a.pendingQuestion.value ? 'Answering…' : 'Ask'}
        </button>
      </form>
      <button class="fp-link" disabled={a.streaming.value} onClick={() => m.suggest()} data-fp="suggest-button">
        {a.streaming.value && !a.pendingQuestion.value ? 'Thinking…' : 'Suggest the next step'}
      </button>{' '}
      <WhatWillBeSent purpose="suggest" />
      {a.error.value && (
        <div class="fp-error" role="alert" data-fp="ask-error">
          {a.error.value}
        </div>
      )}
      {!a.pendingQuestion.value && a.text.value && !a.proposal.value && <p class="fp-pre fp-muted">{a.text}</p>}
      <Suggestion />
    </section>
  );
}

function Turn(props: { turn: AskTurn; onOpenSource: (ref: string) => void }) {
  const t = props.turn;
  if (t.role === 'user')
    return (
      <li class="fp-question" data-fp="ask-question">
        {t.text}
      </li>
    );
  const cited = t.sources.filter((s) => s.cited);
  return (
    <li class="fp-turn" data-fp="ask-answer" data-turn-id={t.id}>
      <p class="fp-pre">{t.text}</p>
      <Sources sources={cited.length ? cited : t.sources} onOpenSource={props.onOpenSource} />
      <div class="fp-row fp-muted">
        <span data-fp="answer-tier">
          {t.tier ?? 'offline'}
          {t.model ? ` (${t.model})` : ''}
        </span>
        <Thumbs target="answer" turnId={t.id} />
      </div>
    </li>
  );
}

function Sources(props: { sources: AskSource[]; onOpenSource: (ref: string) => void }) {
  if (!props.sources.length) return null;
  return (
    <ul class="fp-list fp-sources" data-fp="ask-sources" aria-label="Sources">
      {props.sources.map((s) => (
        <li key={`${s.kind}:${s.id}`}>
          [{s.n}]{' '}
          {s.kind === 'session' || s.kind === 'flow' ? (
            <button class="fp-link" title={s.snippet} onClick={() => props.onOpenSource(s.ref)} data-fp="ask-source">
              {KIND_LABEL[s.kind]}: {s.title}
            </button>
          ) : (
            <span title={s.snippet} data-fp="ask-source">
              {KIND_LABEL[s.kind] ?? s.kind}: {s.title}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

function Thumbs(props: { target: 'answer' | 'suggestion'; turnId?: string }) {
  const m = useModel();
  const given = m.ask.rated.value[props.turnId ?? 'suggestion'];
  // Words, not emoji: some systems (and headless Chromium) have no emoji font.
  const button = (rating: Rating, label: string) => (
    <button class="fp-link" aria-pressed={given === rating} onClick={() => void m.rate(props.target, rating, props.turnId)} data-fp={`thumb-${rating}`}>
      {label}
    </button>
  );
  return (
    <span class="fp-thumbs fp-push">
      {given ? (
        <span data-fp="rated">{given === 'up' ? 'Thanks: marked helpful' : 'Thanks: marked not helpful'}</span>
      ) : (
        <>
          {button('up', 'Helpful')}
          {button('down', 'Not helpful')}
        </>
      )}
    </span>
  );
}

function Suggestion() {
  const m = useModel();
  const p = m.ask.proposal.value;
  if (!p) return null;
  return (
    <div data-fp="proposal">
      <div class="fp-row">
        <span class="fp-badge" data-fp="tier" title="Confidence tier">
          {BAND_LABEL[String(p.band ?? bandOf(p.confidence ?? 0))] ?? String(p.band)}
        </span>
        {typeof p.confidence === 'number' && <span class="fp-muted"> {Math.round(p.confidence * 100)}%</span>}
        <span class="fp-muted">
          {' '}
          · {p.tier}
          {p.model ? ` (${p.model})` : ''}
        </span>
        <Thumbs target="suggestion" />
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
  );
}
