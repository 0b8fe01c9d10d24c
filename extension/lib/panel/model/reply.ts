// The customer reply: a draft from the copilot, edited by the engineer, copied or posted to the ticket as a
// discussion note; ConnectWise emails the customer only when the engineer ticks that choice.
import { batch, signal } from '@preact/signals';
import type { Res } from '../../common/api-types';
import type { Core } from './core';
import type { createPrivacy } from './privacy';

export type ReplyDraft = Res<'/v1/sessions/:id/customer-reply', '$post'>;
export type PostedReply = Res<'/v1/sessions/:id/customer-reply/post', '$post'>;

export function createReply(core: Core, privacy: Pick<ReturnType<typeof createPrivacy>, 'holdIf'>) {
  const reply = {
    draft: signal<ReplyDraft | null>(null),
    text: signal(''),
    emailCustomer: signal(false),
    posted: signal<PostedReply | null>(null),
  };

  async function draftReply() {
    const id = core.sid();
    if (!id) return;
    const r = await core.run('Draft the customer reply', () => core.deps.call('draftCustomerReply', { sessionId: id }), (d) =>
      batch(() => {
        reply.draft.value = d;
        reply.text.value = d.reply.text;
        reply.posted.value = null;
      }),
    );
    await privacy.holdIf(r, 'reply', draftReply);
  }

  async function postReply() {
    const id = core.sid();
    const text = reply.text.value.trim();
    if (!id || !text) return;
    await core.run('Post the customer reply', () => core.deps.call('postCustomerReply', { sessionId: id, text, emailCustomer: reply.emailCustomer.value }), (d) => (reply.posted.value = d));
  }

  function reset() {
    batch(() => {
      reply.draft.value = null;
      reply.text.value = '';
      reply.emailCustomer.value = false;
      reply.posted.value = null;
    });
  }

  return { reply, draftReply, postReply, reset };
}
