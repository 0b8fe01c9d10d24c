// The standalone assistant's model: a follow-up names its conversation, a late answer never lands in another
// conversation, and a failure is shown. Its stream is played by hand (the e2e drives the real port).
import { describe, expect, it } from 'vitest';
import type { AskTurn } from '../common/api-types';
import type { AssistantEvent, AssistantRequest } from '../common/protocol';
import { toAssistantEvents } from '../background/assistant';
import { createAssistantModel, type AssistantDeps } from './assistant-model';

const CONV = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';

const turn = (id: string, role: 'user' | 'assistant', text: string) =>
  ({ id, role, text, sources: [], tier: role === 'assistant' ? 'offline' : null, model: null, createdAt: '2026-12-04T10:00:00.000Z' }) as unknown as AskTurn;

function harness() {
  const asked: AssistantRequest[] = [];
  const streams: ((e: AssistantEvent) => void)[] = [];
  const calls: string[] = [];
  const deps: AssistantDeps = {
    call: (async (op: string) => {
      calls.push(op);
      if (op === 'assistantConversations') return { ok: true, data: { conversations: [] } };
      return { ok: true, data: { conversation: { id: OTHER, title: 'Older' }, turns: [turn('o1', 'user', 'old q'), turn('o2', 'assistant', 'old a')] } };
    }) as unknown as AssistantDeps['call'],
    ask: (req, onEvent) => {
      asked.push(req);
      streams.push(onEvent);
      return () => {};
    },
  };
  return { m: createAssistantModel(deps), asked, streams, calls };
}

describe('the assistant model', () => {
  it('streams an answer into a new conversation and asks the follow-up in it', () => {
    const { m, asked, streams } = harness();
    m.ask('  VPN drops every hour  ');
    expect(asked[0]).toEqual({ question: 'VPN drops every hour' });
    const s = streams[0]!;
    s({ type: 'delta', text: 'Check the ' });
    s({ type: 'delta', text: 'lease time.' });
    expect(m.text.value).toBe('Check the lease time.');
    expect(m.pendingQuestion.value).toBe('VPN drops every hour');
    s({ type: 'conversation', conversationId: CONV });
    s({ type: 'answer', question: turn('q1', 'user', 'VPN drops every hour'), answer: turn('a1', 'assistant', 'Check the lease time.') });
    s({ type: 'done' });
    expect(m.turns.value.map((t) => t.text)).toEqual(['VPN drops every hour', 'Check the lease time.']);
    expect(m.pendingQuestion.value).toBeNull();
    expect(m.streaming.value).toBe(false);

    m.ask('And on Wi-Fi?');
    expect(asked[1]).toEqual({ question: 'And on Wi-Fi?', conversationId: CONV });
  });

  it('drops a late answer once another conversation is opened, and shows a failure', async () => {
    const { m, streams } = harness();
    m.ask('first');
    await m.openConversation(OTHER);
    streams[0]!({ type: 'answer', question: turn('q', 'user', 'first'), answer: turn('a', 'assistant', 'late') });
    expect(m.turns.value.map((t) => t.text)).toEqual(['old q', 'old a']);
    expect(m.conversationId.value).toBe(OTHER);

    m.ask('again');
    streams[1]!({ type: 'error', message: 'The answer failed; try again.', status: 0 });
    expect(m.error.value).toBe('The answer failed; try again.');
    expect(m.streaming.value).toBe(false);
  });

  it('reads the stored conversation from the stream’s done event', () => {
    const done = { conversationId: CONV, sessionId: null, question: turn('q', 'user', 'x'), answer: turn('a', 'assistant', 'y') };
    const events = toAssistantEvents('done', JSON.stringify(done));
    expect(events.map((e) => e.type)).toEqual(['conversation', 'answer']);
    expect(events[0]).toEqual({ type: 'conversation', conversationId: CONV });
    expect(toAssistantEvents('delta', JSON.stringify({ text: 'hi' }))).toEqual([{ type: 'delta', text: 'hi' }]);
  });
});

