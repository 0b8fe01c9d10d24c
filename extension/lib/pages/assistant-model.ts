// The standalone assistant (popup and workspace): questions about any problem, not tied to a ticket. Answers
// stream in as prose with their sources; each conversation is kept per user and can be continued.
import { batch, signal } from '@preact/signals';
import { browser } from 'wxt/browser';
import type { AskSource, AskTurn } from '../common/api-types';
import type { OpResult } from '../common/operations';
import { ASSISTANT_PORT, callApi, type AssistantEvent, type AssistantRequest, type CallApi, type CallResult } from '../common/protocol';

export type ConversationSummary = OpResult<'assistantConversations'>['conversations'][number];

export interface AssistantDeps {
  call: CallApi;
  /** Streams one answer; returns a cancel. */
  ask: (req: AssistantRequest, onEvent: (e: AssistantEvent) => void) => () => void;
}

export function openAssistantStream(req: AssistantRequest, onEvent: (e: AssistantEvent) => void): () => void {
  const port = browser.runtime.connect({ name: ASSISTANT_PORT });
  port.onMessage.addListener((msg: unknown) => onEvent(msg as AssistantEvent));
  port.onDisconnect.addListener(() => onEvent({ type: 'done' }));
  port.postMessage(req);
  return () => port.disconnect();
}

export const defaultAssistantDeps = (): AssistantDeps => ({ call: callApi, ask: openAssistantStream });

const failed = (r: CallResult<unknown>) => (r.ok ? '' : r.queued ? 'The API is unreachable.' : r.error.message);

export function createAssistantModel(deps: AssistantDeps = defaultAssistantDeps()) {
  const conversations = signal<ConversationSummary[]>([]);
  /** The conversation on screen; null until the first answer of a new one is stored. */
  const conversationId = signal<string | null>(null);
  const turns = signal<AskTurn[]>([]);
  const pendingQuestion = signal<string | null>(null);
  const text = signal('');
  const sources = signal<AskSource[]>([]);
  const streaming = signal(false);
  const error = signal<string | null>(null);
  let cancel: (() => void) | null = null;
  /** Bumped by every switch of conversation, so a late answer never lands in another one. */
  let generation = 0;

  async function loadConversations() {
    const r = await deps.call('assistantConversations', undefined);
    if (r.ok) conversations.value = r.data.conversations;
    else error.value = `The conversations did not load: ${failed(r)}`;
  }

  function stop() {
    cancel?.();
    cancel = null;
    generation++;
    batch(() => {
      streaming.value = false;
      pendingQuestion.value = null;
      text.value = '';
      sources.value = [];
      error.value = null;
    });
  }

  function newConversation() {
    stop();
    batch(() => {
      conversationId.value = null;
      turns.value = [];
    });
  }

  async function openConversation(id: string) {
    stop();
    const mine = generation;
    const r = await deps.call('assistantConversation', { conversationId: id });
    if (mine !== generation) return;
    if (!r.ok) {
      error.value = `The conversation did not open: ${failed(r)}`;
      return;
    }
    batch(() => {
      conversationId.value = r.data.conversation.id;
      turns.value = r.data.turns;
    });
  }

  /** Asks in the conversation on screen (a new one when none is); the answer joins it once stored. */
  function ask(question: string) {
    const q = question.trim();
    if (!q || streaming.value) return;
    stop();
    const mine = generation;
    batch(() => {
      streaming.value = true;
      pendingQuestion.value = q;
    });
    const req: AssistantRequest = conversationId.value ? { question: q, conversationId: conversationId.value } : { question: q };
    cancel = deps.ask(req, (e) => {
      if (mine !== generation) return;
      if (e.type === 'conversation') conversationId.value = e.conversationId;
      else if (e.type === 'sources') sources.value = e.sources;
      else if (e.type === 'delta') text.value += e.text;
      else if (e.type === 'reset') text.value = '';
      else if (e.type === 'answer')
        batch(() => {
          turns.value = [...turns.value, e.question, e.answer];
          pendingQuestion.value = null;
          text.value = '';
          sources.value = [];
        });
      else if (e.type === 'error')
        batch(() => {
          error.value = e.message;
          streaming.value = false;
        });
      else if (e.type === 'done') {
        streaming.value = false;
        cancel?.();
        cancel = null;
        void loadConversations();
      }
    });
  }

  return { conversations, conversationId, turns, pendingQuestion, text, sources, streaming, error, loadConversations, newConversation, openConversation, ask };
}

export type AssistantModel = ReturnType<typeof createAssistantModel>;
