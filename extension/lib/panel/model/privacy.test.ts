// The account's "look before the first model call": a held call shows its preview and runs on Send.
import { describe, expect, it } from 'vitest';
import type { SessionDetail } from '../../common/api-types';
import type { OperationName } from '../../common/operations';
import type { AccountState, CallResult } from '../../common/protocol';
import { createPanelModel } from './index';
import { engineer } from './scripted';

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
