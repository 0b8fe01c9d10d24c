// "Reply to the customer": draft, edit, copy, or post as a discussion note (emailing the customer only when ticked).
import { useSignal } from '@preact/signals';
import { useModel } from './model-context';
import { WhatWillBeSent } from './PreviewCard';

export function ReplyCard() {
  const m = useModel();
  const r = m.reply;
  const copied = useSignal(false);
  const d = r.draft.value;
  const posting = m.busy.value === 'Post the customer reply';
  return (
    <section class="fp-card" data-fp="reply">
      <div class="fp-row">
        <h3>Customer reply</h3>
        <span class="fp-push">
          <WhatWillBeSent purpose="reply" />
        </span>
        <button class="fp-link" disabled={m.busy.value !== null} onClick={() => void m.draftReply()} data-fp="reply-draft">
          {d ? 'Draft again' : 'Draft a reply'}
        </button>
      </div>
      {d && (
        <>
          <p class="fp-muted" data-fp="reply-meta">
            {d.reply.languageName} · {d.tier === 'offline' ? 'Offline template' : d.tier}
            {d.model ? ` (${d.model})` : ''}
          </p>
          <textarea
            class="fp-input fp-reply-text"
            rows={8}
            aria-label="The reply to the customer"
            value={r.text.value}
            onInput={(e) => {
              r.text.value = e.currentTarget.value;
              copied.value = false;
            }}
            data-fp="reply-text"
          />
          <label class="fp-radio">
            <input type="checkbox" checked={r.emailCustomer.value} onChange={(e) => (r.emailCustomer.value = e.currentTarget.checked)} data-fp="reply-email" /> Email the
            customer
          </label>
          <div class="fp-row">
            <button class="fp-link" onClick={() => void navigator.clipboard?.writeText(r.text.value).then(() => (copied.value = true))} data-fp="reply-copy">
              {copied.value ? 'Copied' : 'Copy'}
            </button>
            <button class="fp-primary fp-push" disabled={posting || !r.text.value.trim()} onClick={() => void m.postReply()} data-fp="reply-post">
              {r.emailCustomer.value ? 'Post and email the customer' : 'Post as a discussion note'}
            </button>
          </div>
        </>
      )}
      {r.posted.value && (
        <p class="fp-ok" role="status" data-fp="reply-posted">
          Posted to the ticket's discussion{r.posted.value.emailed ? ' and emailed to the customer' : ' (the customer was not emailed)'}.
        </p>
      )}
    </section>
  );
}
