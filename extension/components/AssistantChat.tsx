// The standalone assistant, the same in the popup and the workspace: a question box, the answer streamed as
// prose with its sources (a past ticket or a flow opens in the workspace), and the user's recent conversations.
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { AskSource, AskTurn } from '../lib/common/api-types';
import type { AssistantModel } from '../lib/pages/assistant-model';

const KIND_LABEL: Record<string, string> = { session: 'Past ticket', flow: 'Flow', script: 'Script', memory: 'Client memory' };

export function AssistantChat(props: { model: AssistantModel; onOpenSource: (ref: string) => void; recent?: number }) {
  const a = props.model;
  const question = useSignal('');
  useEffect(() => void a.loadConversations(), []);
  const recent = a.conversations.value.slice(0, props.recent ?? 20);
  return (
    <section class="card fp-assistant" data-fp="assistant" aria-label="Assistant">
      <div class="row">
        <h2 class="grow">Ask the assistant</h2>
        {(a.conversationId.value || a.turns.value.length > 0) && (
          <button class="link" disabled={a.streaming.value} onClick={a.newConversation} data-fp="assistant-new">
            New conversation
          </button>
        )}
      </div>
      {a.turns.value.length > 0 && (
        <ol class="list fp-assistant-turns" aria-label="Conversation" data-fp="assistant-turns">
          {a.turns.value.map((t) => (
            <Turn key={t.id} turn={t} onOpenSource={props.onOpenSource} />
          ))}
        </ol>
      )}
      {a.pendingQuestion.value && (
        <div aria-live="polite" data-fp="assistant-pending">
          <p class="fp-assistant-q">{a.pendingQuestion.value}</p>
          <p class="fp-assistant-a">{a.text.value || 'Thinking…'}</p>
          <Sources sources={a.sources.value} onOpenSource={props.onOpenSource} />
        </div>
      )}
      {a.error.value && (
        <p class="error" role="alert" data-fp="assistant-error">
          {a.error.value}
        </p>
      )}
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (!question.value.trim() || a.streaming.value) return;
          a.ask(question.value);
          question.value = '';
        }}
      >
        <input
          class="grow"
          aria-label="Ask about any problem"
          placeholder={a.turns.value.length ? 'Ask a follow-up…' : 'Ask about any problem, like you would a colleague…'}
          maxLength={2000}
          value={question.value}
          onInput={(e) => (question.value = e.currentTarget.value)}
          data-fp="assistant-input"
        />
        <button class="primary" type="submit" disabled={a.streaming.value || !question.value.trim()} data-fp="assistant-ask">
          {a.streaming.value ? 'Answering…' : 'Ask'}
        </button>
      </form>
      {recent.length > 0 && (
        <div data-fp="assistant-recent">
          <h3 class="hint">Recent conversations</h3>
          <ul class="list">
            {recent.map((c) => (
              <li key={c.id} class="row">
                <button
                  class="link grow"
                  aria-current={c.id === a.conversationId.value ? 'true' : undefined}
                  disabled={a.streaming.value}
                  onClick={() => void a.openConversation(c.id)}
                  data-fp="assistant-conversation"
                  data-conversation-id={c.id}
                >
                  {c.title}
                </button>
                <span class="hint">{questions(c.turns)}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

/** A conversation's turns are its questions and their answers. */
const questions = (turns: number) => (Math.ceil(turns / 2) === 1 ? '1 question' : `${Math.ceil(turns / 2)} questions`);

function Turn(props: { turn: AskTurn; onOpenSource: (ref: string) => void }) {
  const t = props.turn;
  if (t.role === 'user')
    return (
      <li class="fp-assistant-q" data-fp="assistant-question">
        {t.text}
      </li>
    );
  const cited = t.sources.filter((s) => s.cited);
  return (
    <li data-fp="assistant-answer" data-turn-id={t.id}>
      <p class="fp-assistant-a">{t.text}</p>
      <Sources sources={cited.length ? cited : t.sources} onOpenSource={props.onOpenSource} />
      <p class="hint" data-fp="assistant-tier">
        {t.tier ?? 'offline'}
        {t.model ? ` (${t.model})` : ''}
      </p>
    </li>
  );
}

function Sources(props: { sources: AskSource[]; onOpenSource: (ref: string) => void }) {
  if (!props.sources.length) return null;
  return (
    <ul class="list fp-assistant-sources" aria-label="Sources" data-fp="assistant-sources">
      {props.sources.map((s) => (
        <li key={`${s.kind}:${s.id}`}>
          [{s.n}]{' '}
          {s.kind === 'session' || s.kind === 'flow' ? (
            <button class="link" title={s.snippet} onClick={() => props.onOpenSource(s.ref)} data-fp="assistant-source" data-ref={s.ref}>
              {KIND_LABEL[s.kind]}: {s.title}
            </button>
          ) : (
            <span title={s.snippet} data-fp="assistant-source">
              {KIND_LABEL[s.kind] ?? s.kind}: {s.title}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}
