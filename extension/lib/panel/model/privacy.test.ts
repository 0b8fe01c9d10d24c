// The account's "look before the first model call": a held call shows its preview and runs on Send.
import { describe, expect, it } from 'vitest';
import type { SessionDetail } from '../../common/api-types';
import type { OperationName } from '../../common/operations';
import type { AccountState, CallResult } from '../../common/protocol';
import { createPanelModel } from './index';
import { engineer, scripted, sessionDetail } from './scripted';

const session = { id: 's-1', ticket: { psa: 'connectwise', externalId: '1' }, status: 'active', facts: [], lane: [], activeFix: null } as unknown as SessionDetail;
const preview = {
  purpose: 'reply',
  sessionId: 's-1',
  requirePreview: true,
  recorded: true,
  providers: [{ provider: 'anthropic', model: 'claude', willCall: true, when: 'on Draft', system: 'x', tool: 't', fields: [{ name: 'Ticket summary', value: 'VPN drops', untrusted: true }] }],
};
const draft = { reply: { text: 'Hello Maria, the VPN is fixed.', language: 'en', languageName: 'English' }, tier: 'fast', model: 'claude', fallbackReason: null, source: 'connectwise', detectedLanguage: { code: 'en', name: 'English', confidence: 1 } };

function panel() {
  const calls: OperationName[] = [];
  let previewed = false;
  const answers: Partial<Record<OperationName, () => CallResult<unknown>>> = {
    findSessions: () => ({ ok: true, data: { sessions: [session] } }),
    getSession: () => ({ ok: true, data: { session } }),
    askHistory: () => ({ ok: true, data: { conversationId: null, turns: [] } }),
    outboundPreview: () => {
      previewed = true;
      return { ok: true, data: preview };
    },
    draftCustomerReply: () =>
      previewed ? { ok: true, data: draft } : { ok: false, error: { status: 409, code: 'outbound_preview_required', message: 'Your account requires a look first.' } },
  };
  const call = async (op: OperationName) => {
    calls.push(op);
    return answers[op]?.() ?? { ok: false as const, error: { status: 404, code: 'not_found', message: `no ${op}` } };
  };
  const signedIn: AccountState = { signedIn: true, user: engineer, apiBase: 'http://127.0.0.1:8787' };
  return { model: createPanelModel({ call: call as never, accountState: async () => signedIn }), calls };
}

describe('privacy.requirePreview in the panel', () => {
  it('shows the preview instead of an error when a call is held, and runs the call on Send', async () => {
    const { model, calls } = panel();
    await model.refreshAccount();
    await model.setTicket({ psa: 'connectwise', externalId: '1', summary: 'VPN drops', url: 'https://na.myconnectwise.net/x#1' });
    await model.draftReply();
    expect(model.error.value).toBeNull();
    expect(model.outboundPreview.value?.providers[0]?.fields).toEqual([{ name: 'Ticket summary', value: 'VPN drops', untrusted: true }]);
    expect(model.previewHeld.value).not.toBeNull();
    expect(model.reply.draft.value).toBeNull();

    await model.sendHeld();
    expect(model.outboundPreview.value).toBeNull();
    expect(model.reply.text.value).toBe('Hello Maria, the VPN is fixed.');
    expect(calls.filter((c) => c === 'draftCustomerReply')).toHaveLength(2);
  });

  it('shows the API’s error for any other failure, holding nothing', async () => {
    const { model } = panel();
    await model.refreshAccount();
    await model.setTicket({ psa: 'connectwise', externalId: '1', summary: 'VPN drops', url: 'https://na.myconnectwise.net/x#1' });
    await model.postReply(); // nothing drafted: nothing is sent
    model.reply.text.value = 'Hi';
    await model.postReply();
    expect(model.error.value).toBe('Post the customer reply failed: no postCustomerReply');
    expect(model.previewHeld.value).toBeNull();
    expect(model.outboundPreview.value).toBeNull();
  });
});

describe('privacy.requirePreview for suggest and Ask', () => {
  const held = { type: 'error', status: 0, code: 'outbound_preview_required', message: 'Your account requires a look first.' } as const;
  const turn = (id: string, role: 'user' | 'assistant', text: string) => ({ id, role, text, sources: [], tier: role === 'user' ? null : 'fast', model: null, createdAt: '2026-11-25T10:00:00Z' });
  const proposal = { tier: 'fast', model: 'claude', nextStep: { title: 'Check the VPN lifetime' }, facts: [], fix: null, flows: [], confidence: 0.6, band: 'exploring', rationale: 'r' };

  /** A model whose Ask port is held until the scripted preview was opened, then answers. */
  async function gated() {
    let previewed = false;
    const s = scripted(
      {
        askHistory: () => ({ ok: true, data: { conversationId: null, turns: [] } }),
        outboundPreview: ((a: { purpose: string }) => {
          previewed = true;
          return { ok: true, data: { ...preview, purpose: a.purpose } };
        }) as never,
      },
      (req) => {
        if (!previewed) return [held];
        if (!req.conversation) return [{ type: 'proposal', proposal: proposal as never }, { type: 'done' }];
        return [{ type: 'delta', text: 'Try the universal driver.' }, { type: 'answer', question: turn('q', 'user', req.question!) as never, answer: turn('a', 'assistant', 'Try the universal driver.') as never }, { type: 'done' }];
      },
    );
    await s.model.refreshAccount();
    s.model.session.value = sessionDetail('s-1', '1');
    return s;
  }
  const settle = () => new Promise((r) => setTimeout(r, 0));

  it('a held suggestion opens its preview instead of an error, and runs on Send', async () => {
    const { model, calls } = await gated();
    model.suggest();
    await settle();
    expect(model.ask.error.value).toBeNull();
    expect(model.ask.streaming.value).toBe(false);
    expect(model.outboundPreview.value?.purpose).toBe('suggest');
    expect(calls.find((c) => c.op === 'outboundPreview')?.args).toEqual({ sessionId: 's-1', purpose: 'suggest' });
    expect(model.ask.proposal.value).toBeNull();

    await model.sendHeld();
    expect(model.outboundPreview.value).toBeNull();
    expect(model.ask.proposal.value?.nextStep?.title).toBe('Check the VPN lifetime');
    expect(calls.filter((c) => c.op === 'ask')).toHaveLength(2);
  });

  it('a held question opens the preview of that question, and is asked again on Send', async () => {
    const { model, calls } = await gated();
    model.askQuestion('Which driver did we use last time?');
    await settle();
    expect(model.ask.error.value).toBeNull();
    expect(model.ask.pendingQuestion.value).toBeNull();
    expect(calls.find((c) => c.op === 'outboundPreview')?.args).toEqual({ sessionId: 's-1', purpose: 'ask', question: 'Which driver did we use last time?' });
    expect(model.previewHeld.value).not.toBeNull();

    await model.sendHeld();
    expect(model.ask.turns.value.map((t) => t.text)).toEqual(['Which driver did we use last time?', 'Try the universal driver.']);
    expect(calls.filter((c) => c.op === 'ask').map((c) => c.args)).toEqual([
      { sessionId: 's-1', question: 'Which driver did we use last time?', conversation: true },
      { sessionId: 's-1', question: 'Which driver did we use last time?', conversation: true },
    ]);
  });

  it('"What will be sent" for a question needs the question; other failures show as errors, holding nothing', async () => {
    const { model, calls } = await gated();
    await model.showPreview('ask', '  ');
    expect(model.previewError.value).toMatch(/type your question first/);
    expect(calls.some((c) => c.op === 'outboundPreview')).toBe(false);
    await model.showPreview('ask', 'Why does it drop?');
    expect(model.outboundPreview.value?.purpose).toBe('ask');
    model.closePreview();

    const other = scripted({}, () => [{ type: 'error', status: 0, code: 'internal', message: 'The answer failed; try again.' }]);
    await other.model.refreshAccount();
    other.model.session.value = sessionDetail('s-2', '2');
    other.model.askQuestion('Why?');
    expect(other.model.ask.error.value).toBe('The answer failed; try again.');
    expect(other.model.previewHeld.value).toBeNull();
    expect(other.calls.some((c) => c.op === 'outboundPreview')).toBe(false);
  });
});
