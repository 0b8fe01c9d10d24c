// "Ask FlowPilot": the session's conversation with the copilot (prose with sources, streamed), the
// suggested next step, and thumbs up/down on both.
import { batch, signal } from '@preact/signals';
import type { AskSource, AskTurn, Proposal } from '../../common/api-types';
import type { AskEvent } from '../../common/protocol';
import { failMessage, type Core } from './core';
import type { createPrivacy } from './privacy';

export type Rating = 'up' | 'down';

export function createAsk(core: Core, privacy: Pick<ReturnType<typeof createPrivacy>, 'holdOn'>) {
  const ask = {
    streaming: signal(false),
    /** The conversation so far (questions and answers, oldest first). */
    turns: signal<AskTurn[]>([]),
    /** The question being answered and the prose streamed so far, until its answer is stored. */
    pendingQuestion: signal<string | null>(null),
    text: signal(''),
    sources: signal<AskSource[]>([]),
    proposal: signal<Proposal | null>(null),
    error: signal<string | null>(null),
    /** Ratings given in this panel, by answer id ("suggestion" for the suggestion on screen). */
    rated: signal<Record<string, Rating>>({}),
  };
  let cancelAsk: (() => void) | null = null;

  function start() {
    cancelAsk?.();
    batch(() => {
      ask.streaming.value = true;
      ask.text.value = '';
      ask.sources.value = [];
      ask.error.value = null;
    });
  }

  /** A call the account holds until its preview was seen waits behind the preview; any other failure shows. */
  function onFailure(e: Extract<AskEvent, { type: 'error' }>, purpose: 'suggest' | 'ask', retry: () => void, question?: string) {
    ask.streaming.value = false;
    if (e.code === 'outbound_preview_required') {
      if (purpose === 'ask') ask.pendingQuestion.value = null;
      void privacy.holdOn(e.code, purpose, async () => retry(), question);
      return;
    }
    ask.error.value = e.message;
  }

  /** The copilot's suggested next step for the session (facts, fix, rationale). */
  function suggest() {
    const id = core.sid();
    if (!id || !core.deps.ask) return;
    start();
    ask.proposal.value = null;
    const { suggestion: _gone, ...rest } = ask.rated.value;
    ask.rated.value = rest;
    cancelAsk = core.deps.ask({ sessionId: id }, (e) => {
      if (e.type === 'delta') ask.text.value += e.text;
      else if (e.type === 'proposal') ask.proposal.value = e.proposal;
      else if (e.type === 'error') onFailure(e, 'suggest', suggest);
      else if (e.type === 'done') ask.streaming.value = false;
    });
  }

  /** One question in the session's conversation: the answer streams in as prose, then joins the history. */
  function askQuestion(question: string) {
    const id = core.sid();
    const q = question.trim();
    if (!id || !core.deps.ask || !q) return;
    start();
    batch(() => {
      ask.pendingQuestion.value = q;
      ask.proposal.value = null;
    });
    cancelAsk = core.deps.ask({ sessionId: id, question: q, conversation: true }, (e) => {
      if (e.type === 'sources') ask.sources.value = e.sources;
      else if (e.type === 'delta') ask.text.value += e.text;
      else if (e.type === 'reset') ask.text.value = '';
      else if (e.type === 'answer')
        batch(() => {
          ask.turns.value = [...ask.turns.value, e.question, e.answer];
          ask.pendingQuestion.value = null;
          ask.text.value = '';
          ask.sources.value = [];
        });
      else if (e.type === 'error') onFailure(e, 'ask', () => askQuestion(q), q);
      else if (e.type === 'done') ask.streaming.value = false;
    });
  }

  /** The conversation kept with the session, for a ticket opened again. */
  async function loadConversation() {
    const id = core.sid();
    if (!id) return;
    const token = core.token();
    const r = await core.deps.call('askHistory', { sessionId: id });
    if (token !== core.token()) return;
    if (r.ok) ask.turns.value = r.data.turns;
  }

  /** Thumbs up/down on an answer (its turn id) or on the suggestion on screen. */
  async function rate(target: 'answer' | 'suggestion', rating: Rating, turnId?: string) {
    const id = core.sid();
    if (!id) return;
    const key = turnId ?? 'suggestion';
    const r = await core.deps.call('feedback', { sessionId: id, target, targetId: turnId, rating });
    const failed = failMessage(r);
    if (failed) ask.error.value = `Feedback failed: ${failed}`;
    else ask.rated.value = { ...ask.rated.value, [key]: rating };
  }

  /** Stops the stream of the ticket that was on screen and forgets its conversation. */
  function reset() {
    cancelAsk?.();
    batch(() => {
      ask.streaming.value = false;
      ask.turns.value = [];
      ask.pendingQuestion.value = null;
      ask.text.value = '';
      ask.sources.value = [];
      ask.proposal.value = null;
      ask.error.value = null;
      ask.rated.value = {};
    });
  }

  return { ask, suggest, askQuestion, loadConversation, rate, reset };
}
