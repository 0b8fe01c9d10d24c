// The resolution note: sanitised preview, format switch, copy, flags, confirmation, posted state; escalate and resolve.
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { BillableOption, NoteFormat } from '../lib/api-types';
import { renderMarkdown } from '../lib/markdown';
import { useModel } from './model-context';

const FORMATS: NoteFormat[] = ['markdown', 'text', 'html'];
const BILLABLE: { value: BillableOption; label: string }[] = [
  { value: 'Billable', label: 'Billable' },
  { value: 'DoNotBill', label: 'Do not bill' },
  { value: 'NoCharge', label: 'No charge' },
];

export function NoteCard() {
  const m = useModel();
  const s = m.session.value;
  const open = useSignal(false);
  const editing = useSignal(false);
  const reason = useSignal('');
  const copied = useSignal(false);
  const stateVersion = s?.stateVersion;
  useEffect(() => {
    if (open.value) void m.loadNote();
  }, [open.value, stateVersion]);
  if (!s) return null;
  const n = m.note;
  const closed = s.status !== 'active' && s.status !== 'paused';
  const text = n.draft.value ?? n.text.value;
  return (
    <section class="fp-card" data-fp="note">
      <h3>
        Resolution note
        {m.posted.value && (
          <span class="fp-badge fp-ok" data-fp="note-posted">
            {s.resolutionNote.postedAt ? 'Posted to ticket' : 'Post queued'}
          </span>
        )}
      </h3>
      {!open.value ? (
        <button class="fp-secondary" onClick={() => (open.value = true)} data-fp="note-open">
          Preview note
        </button>
      ) : (
        <>
          <div class="fp-row">
            {FORMATS.map((f) => (
              <label key={f} class="fp-radio">
                <input type="radio" name="fp-note-format" checked={n.format.value === f} onChange={() => void m.loadNote(f)} /> {f}
              </label>
            ))}
            <button
              class="fp-link"
              onClick={() => {
                void navigator.clipboard?.writeText(text).then(() => (copied.value = true));
              }}
            >
              {copied.value ? 'Copied' : 'Copy'}
            </button>
            <button class="fp-link" onClick={() => (editing.value = !editing.value)}>
              {editing.value ? 'Preview' : 'Edit'}
            </button>
          </div>
          {n.load.value === 'loading' && <p class="fp-muted">Writing the note…</p>}
          {n.error.value && <div class="fp-error">{n.error.value}</div>}
          {editing.value ? (
            <textarea class="fp-input fp-mono" rows={10} value={text} onInput={(e) => (n.draft.value = e.currentTarget.value)} />
          ) : n.format.value === 'markdown' ? (
            // Sanitised by DOMPurify in renderMarkdown; ticket text inside the note is escaped first.
            <div class="fp-note-preview" data-fp="note-preview" dangerouslySetInnerHTML={{ __html: renderMarkdown(text) }} />
          ) : (
            <pre class="fp-note-preview fp-pre" data-fp="note-preview">
              {text}
            </pre>
          )}
          {!m.posted.value && (
            <div class="fp-post">
              <label class="fp-check">
                <input type="checkbox" checked={n.internal.value} onChange={(e) => (n.internal.value = e.currentTarget.checked)} data-fp="flag-internal" />{' '}
                Internal note
              </label>
              <label class="fp-check">
                <input type="checkbox" checked={n.resolution.value} onChange={(e) => (n.resolution.value = e.currentTarget.checked)} data-fp="flag-resolution" />{' '}
                Mark as resolution
              </label>
              <input
                class="fp-input"
                placeholder="Change the ticket status to… (optional)"
                value={n.status.value}
                onInput={(e) => (n.status.value = e.currentTarget.value)}
                data-fp="post-status"
              />
              {n.confirming.value ? (
                <div class="fp-confirm" data-fp="post-confirm">
                  <p>
                    Post this note to ticket #{s.ticket.externalId} as {n.internal.value ? 'an internal' : 'a discussion'} note
                    {n.resolution.value ? ', flagged as the resolution' : ''}
                    {n.status.value.trim() ? `, and set the status to "${n.status.value.trim()}"` : ''}? The customer is not emailed.
                  </p>
                  <button class="fp-primary" disabled={n.posting.value} onClick={() => void m.postNote()} data-fp="post-confirm-yes">
                    {n.posting.value ? 'Posting…' : 'Post'}
                  </button>
                  <button class="fp-secondary" onClick={() => (n.confirming.value = false)}>
                    Cancel
                  </button>
                </div>
              ) : (
                <button class="fp-primary" disabled={n.load.value !== 'ready'} onClick={() => (n.confirming.value = true)} data-fp="post-note">
                  Post to ticket
                </button>
              )}
            </div>
          )}
        </>
      )}
      <TimeEntry ticket={s.ticket.externalId} />
      {s.status === 'escalated' && (
        <div class="fp-row" data-fp="escalation">
          {s.escalation?.postedAt ? (
            <span class="fp-badge fp-ok">Escalation posted to ticket</span>
          ) : (
            <button class="fp-secondary" disabled={m.busy.value !== null} onClick={() => void m.postEscalation()}>
              Post escalation package to ticket
            </button>
          )}
        </div>
      )}
      {!closed && (
        <div class="fp-row fp-end">
          <input class="fp-input" placeholder="Escalation reason" value={reason.value} onInput={(e) => (reason.value = e.currentTarget.value)} />
          <button class="fp-secondary" disabled={!reason.value.trim()} onClick={() => void m.escalate(reason.value)}>
            Escalate
          </button>
          <button class="fp-secondary" onClick={() => void m.resolve()} data-fp="resolve">
            Resolve
          </button>
        </div>
      )}
    </section>
  );
}

/** Logs the session's time to the ticket once: minutes (prefilled with the worked time), billable option. */
function TimeEntry({ ticket }: { ticket: string }) {
  const m = useModel();
  const t = m.time;
  const logged = t.logged.value;
  if (logged) {
    return (
      <div class="fp-row" data-fp="time-logged">
        <span class="fp-badge fp-ok">
          Logged {logged.minutes} min · entry #{logged.externalId}
        </span>
      </div>
    );
  }
  return (
    <div class="fp-post" data-fp="time">
      <div class="fp-row">
        <label class="fp-check">
          Minutes{' '}
          <input
            class="fp-input"
            type="number"
            min={1}
            max={1440}
            step={1}
            placeholder="worked time"
            value={m.timeMinutes.value}
            onInput={(e) => (t.minutes.value = e.currentTarget.value)}
            data-fp="time-minutes"
          />
        </label>
        <select class="fp-input" value={t.billable.value} onChange={(e) => (t.billable.value = e.currentTarget.value as BillableOption)} data-fp="time-billable">
          {BILLABLE.map((b) => (
            <option key={b.value} value={b.value}>
              {b.label}
            </option>
          ))}
        </select>
      </div>
      {t.error.value && (
        <div class="fp-error" data-fp="time-error">
          {t.error.value}
        </div>
      )}
      <button class="fp-secondary" disabled={t.logging.value} onClick={() => void m.logTime()} data-fp="log-time">
        {t.logging.value ? 'Logging time…' : `Log time to ticket #${ticket}`}
      </button>
    </div>
  );
}
