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

  async function showPreview(purpose: Purpose) {
    const id = core.sid();
    if (!id) return;
    previewError.value = null;
    const r = await core.deps.call('outboundPreview', { sessionId: id, purpose });
    if (r.ok) preview.value = r.data;
    else previewError.value = failMessage(r);
  }

  /** After a model call: if the account held it for a preview, shows the preview and keeps `retry` for "Send". */
  async function holdIf(r: CallResult<unknown>, purpose: Purpose, retry: () => Promise<unknown>) {
    if (r.ok || r.queued || r.error.code !== 'outbound_preview_required') return;
    core.error.value = null;
    held.value = retry;
    await showPreview(purpose);
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

  return { preview, previewError, held, showPreview, holdIf, send, closePreview };
}
