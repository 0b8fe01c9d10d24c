// "What will be sent": the outbound preview of a model call, field by field. When the account requires a look
// before the first call on a ticket (409 outbound_preview_required), the held action waits behind the preview.
import { batch, signal } from '@preact/signals';
import type { Res } from '../../common/api-types';
import type { CallResult } from '../../common/protocol';
import { failMessage, type Core } from './core';

export type OutboundPreview = Res<'/v1/sessions/:id/outbound-preview', '$get'>;
export type Purpose = OutboundPreview['purpose'];

export function createPrivacy(core: Core) {
  const preview = signal<OutboundPreview | null>(null);
  const previewError = signal<string | null>(null);
  /** The model call the account held until its preview was seen; "Send" runs it. */
  const held = signal<(() => Promise<unknown>) | null>(null);

  /** A question's preview needs the question: what is sent, and which sources are found, depend on it. */
  async function showPreview(purpose: Purpose, question?: string) {
    const id = core.sid();
    if (!id) return;
    previewError.value = null;
    if (purpose === 'ask' && !question?.trim()) {
      preview.value = null;
      previewError.value = 'type your question first: what is sent depends on it.';
      return;
    }
    const r = await core.deps.call('outboundPreview', { sessionId: id, purpose, ...(purpose === 'ask' ? { question: question!.trim() } : {}) });
    if (r.ok) preview.value = r.data;
    else previewError.value = failMessage(r);
  }

  /** After a model call: if the account held it for a preview, shows the preview and keeps `retry` for "Send". */
  async function holdIf(r: CallResult<unknown>, purpose: Purpose, retry: () => Promise<unknown>) {
    if (r.ok || r.queued) return;
    await holdOn(r.error.code, purpose, retry);
  }

  /** The same for a streamed call (suggest, Ask) that failed with `code`; true when it was held. */
  async function holdOn(code: string | undefined, purpose: Purpose, retry: () => Promise<unknown>, question?: string) {
    if (code !== 'outbound_preview_required') return false;
    core.error.value = null;
    held.value = retry;
    await showPreview(purpose, question);
    return true;
  }

  async function send() {
    const run = held.value;
    closePreview();
    await run?.();
  }

  function closePreview() {
    batch(() => {
      preview.value = null;
      held.value = null;
      previewError.value = null;
    });
  }

  return { preview, previewError, held, showPreview, holdIf, holdOn, send, closePreview };
}
