// The resolution note: sanitised preview, format switch, copy, flags, confirmation, posted state; resolve (escalating is EscalationCard).
import { isOpen } from '../../shared/sessions';
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { BillableOption } from '../lib/common/api-types';
import { renderMarkdown } from '../lib/common/markdown';
import { NOTE_FORMATS } from '../../shared/notes';
import { MAX_MINUTES } from '../../shared/time';
import { closeOutReady, hiddenSummary, kindLabel } from '../lib/panel/model';
import { useModel } from './model-context';

const MARKER = /\[redacted(?: [a-z /-]+)?\]/gi;

/** Numbers each highlighted redaction in the (already sanitised) markdown preview: data-marker = its place in the note. */
function numberMarks(html: string): string {
  let n = 0;
  return html.replace(/<mark class="redacted"/g, () => `<mark class="redacted fp-redaction" data-fp="redaction-mark" data-marker="${++n}"`);
}

/** Plain text (text and HTML-source previews) with each "[redacted …]" marker highlighted and numbered. */
function MarkedText({ text }: { text: string }) {
  const parts: (string | preact.JSX.Element)[] = [];
  let at = 0;
  let n = 0;
  for (const m of text.matchAll(MARKER)) {
    parts.push(text.slice(at, m.index));
    n++;
    parts.push(
      <mark key={n} class="redacted fp-redaction" data-fp="redaction-mark" data-marker={n} title="Hidden by FlowPilot">
        {m[0]}
      </mark>,
    );
    at = m.index! + m[0].length;
  }
  parts.push(text.slice(at));
  return <>{parts}</>;
}

/** What the preview hides: "3 hidden: 1 password, 2 keys", each spot with its marker number and a way to un-hide a false positive. */
function Redactions() {
  const m = useModel();
  const n = m.note;
  const spots = n.spots.value;
  const summary = hiddenSummary(spots);
  if (!spots.length) return null;
  return (
    <div class="fp-redactions" data-fp="note-redactions">
      {summary && (
        <p class="fp-muted" data-fp="note-hidden-summary">
          {summary}
        </p>
      )}
      <ul class="fp-list">
        {spots.map((s) =>
          s.revealed ? (
            <li key={`r-${s.id}`} data-fp="redaction-revealed">
              {kindLabel(s.kind)}: shown in this note (un-hidden)
            </li>
          ) : (
            <li key={`${s.id}-${s.marker}`} data-fp="redaction-spot" data-marker={s.marker ?? ''}>
              #{s.marker} {kindLabel(s.kind)}{' '}
              <button
                class="fp-link"
                disabled={n.unhiding.value !== null || m.posted.value}
                title="Not a secret: show it in this note only (the account's rules do not change)"
                onClick={() => void m.unhideSpot(s.id)}
                data-fp="note-unhide"
                data-spot-id={s.id}
                data-marker={s.marker ?? ''}
              >
                {n.unhiding.value === s.id ? 'Showing…' : 'Show'}
              </button>
            </li>
          ),
        )}
      </ul>
    </div>
  );
}

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
  const copied = useSignal(false);
  const stateVersion = s?.stateVersion;
  useEffect(() => {
    if (open.value) void m.loadNote();
  }, [open.value, stateVersion]);
  if (!s) return null;
  const n = m.note;
  const closed = !isOpen(s);
  const text = n.draft.value ?? n.text.value;
  // Once a fix is accepted the close-out card posts this note (with the time and status): one way to post it.
  const viaCloseOut = closeOutReady(s) || m.closeOut.steps.value !== null;
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
            {NOTE_FORMATS.map((f) => (
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
          {!editing.value && n.load.value === 'ready' && <Redactions />}
          {n.error.value && <div class="fp-error">{n.error.value}</div>}
          {editing.value ? (
            <textarea class="fp-input fp-mono" rows={10} value={text} onInput={(e) => (n.draft.value = e.currentTarget.value)} />
          ) : n.format.value === 'markdown' ? (
            // Sanitised by DOMPurify in renderMarkdown; ticket text inside the note is escaped first.
            <div class="fp-note-preview" data-fp="note-preview" dangerouslySetInnerHTML={{ __html: numberMarks(renderMarkdown(text)) }} />
          ) : (
            <pre class="fp-note-preview fp-pre" data-fp="note-preview">
              <MarkedText text={text} />
            </pre>
          )}
          {!m.posted.value && viaCloseOut && (
            <p class="fp-muted" data-fp="note-post-via-closeout">
              The close-out above posts this note, with the time and the status, in one confirm.
            </p>
          )}
          {!m.posted.value && !viaCloseOut && (
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
      {!closed && (
        <div class="fp-row fp-end">
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
  // Close-out logged it (or found it logged): its step says so, with the entry.
  if (m.closeOut.steps.value?.some((x) => x.step === 'time' && (x.state === 'done' || x.state === 'already'))) return null;
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
            max={MAX_MINUTES}
            step={1}
            placeholder="worked time"
            value={m.timeMinutes.value}
            onInput={(e) => (t.minutes.value = e.currentTarget.value)}
            data-fp="time-minutes"
          />
        </label>
        <select class="fp-input" aria-label="Billable" value={t.billable.value} onChange={(e) => (t.billable.value = e.currentTarget.value as BillableOption)} data-fp="time-billable">
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
