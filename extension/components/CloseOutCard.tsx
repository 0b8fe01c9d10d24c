// Close-out as one action: the note preview with its root cause, where it shows, the status, "email the
// customer", the minutes, then one confirm; each step's result after, and a retry that redoes only what failed.
import { useEffect } from 'preact/hooks';
import { renderMarkdown } from '../lib/common/markdown';
import { CLOSE_OUT_STEPS, closeOutReady, type Audience } from '../lib/panel/model';
import { MAX_MINUTES } from '../../shared/time';
import { useModel } from './model-context';

const AUDIENCE: { key: keyof Audience; label: string }[] = [
  { key: 'internal', label: 'Internal' },
  { key: 'discussion', label: 'Discussion' },
  { key: 'resolution', label: 'Resolution' },
];

const STATE_TEXT = { done: 'Done', already: 'Already done', failed: 'Failed', skipped: 'Skipped' } as const;

export function CloseOutCard() {
  const m = useModel();
  const s = m.session.value;
  const c = m.closeOut;
  const ready = closeOutReady(s);
  const sessionId = s?.id;
  useEffect(() => {
    if (!ready) return;
    void m.loadAudience();
    if (c.statusesLoad.value === 'idle') void m.loadStatuses();
    // The prefilled root cause goes into the note at once (its version bump reloads the preview below).
    void m.saveRootCause().then((saved) => {
      if (!saved && m.note.load.value === 'idle') void m.loadNote();
    });
  }, [ready, sessionId]);
  // Reload the preview when what it says changed (root cause recorded, a fact added).
  const stateVersion = s?.stateVersion;
  useEffect(() => {
    if (ready && m.note.load.value !== 'idle') void m.loadNote();
  }, [stateVersion]);
  if (!s || (!ready && !c.steps.value)) return null;
  const steps = c.steps.value;
  const running = c.running.value;
  const failed = steps?.some((x) => x.state === 'failed') ?? false;
  return (
    <section class="fp-card fp-closeout" data-fp="closeout" aria-busy={running}>
      <h3>Close out ticket #{s.ticket.externalId}</h3>
      {steps ? null : <CloseOutForm />}
      {running && (
        <div role="status" class="fp-muted" data-fp="closeout-progress">
          Closing out…
          <ol class="fp-steps">
            {CLOSE_OUT_STEPS.map((x) => (
              <li key={x.step}>{x.label}…</li>
            ))}
          </ol>
        </div>
      )}
      {steps && (
        <ol class="fp-steps" data-fp="closeout-steps" aria-live="polite">
          {steps.map((x) => (
            <li key={x.step} class={`fp-step-${x.state}`} data-fp="closeout-step" data-step={x.step} data-state={x.state}>
              <strong>{CLOSE_OUT_STEPS.find((k) => k.step === x.step)?.label ?? x.step}:</strong> {STATE_TEXT[x.state]} — {x.detail}
            </li>
          ))}
        </ol>
      )}
      {steps && c.complete.value && (
        <p class="fp-badge fp-ok" data-fp="closeout-complete">
          Closed out: the ticket is documented and the session resolved.
        </p>
      )}
      {c.error.value && (
        <div class="fp-error" role="alert" data-fp="closeout-error">
          {c.error.value}
        </div>
      )}
      {steps && failed && (
        <button class="fp-primary" disabled={running} onClick={() => void m.runCloseOut()} data-fp="closeout-retry">
          {running ? 'Retrying…' : 'Retry the failed steps'}
        </button>
      )}
    </section>
  );
}

function CloseOutForm() {
  const m = useModel();
  const s = m.session.value!;
  const c = m.closeOut;
  const n = m.note;
  const a = c.audience.value;
  const st = c.statuses.value;
  const running = c.running.value;
  const text = n.draft.value ?? n.text.value;
  return (
    <>
      <label class="fp-field">
        Root cause
        <textarea
          class="fp-input"
          rows={2}
          maxLength={5000}
          value={m.rootCauseText.value}
          onInput={(e) => (c.rootCause.value = e.currentTarget.value)}
          onBlur={() => void m.saveRootCause()}
          data-fp="closeout-root-cause"
        />
      </label>
      <details class="fp-details" open data-fp="closeout-note">
        <summary>The note{n.load.value === 'loading' ? ' (writing…)' : ''}</summary>
        {n.error.value && <div class="fp-error">{n.error.value}</div>}
        {n.format.value === 'markdown' ? (
          // Sanitised by DOMPurify in renderMarkdown; ticket text inside the note is escaped first.
          <div class="fp-note-preview" data-fp="closeout-preview" dangerouslySetInnerHTML={{ __html: renderMarkdown(text) }} />
        ) : (
          <pre class="fp-note-preview fp-pre" data-fp="closeout-preview">
            {text}
          </pre>
        )}
      </details>
      <fieldset class="fp-fieldset" data-fp="closeout-audience">
        <legend>Shows on the ticket as</legend>
        {AUDIENCE.map((x) => (
          <label key={x.key} class="fp-check">
            <input
              type="checkbox"
              checked={a?.[x.key] ?? false}
              disabled={!a}
              onChange={(e) => a && (c.audience.value = { ...a, [x.key]: e.currentTarget.checked })}
              data-fp={`closeout-${x.key}`}
            />{' '}
            {x.label}
          </label>
        ))}
      </fieldset>
      {/* Radios, not a drop-down: one click picks a status, and every choice is visible with what it does. */}
      <fieldset class="fp-fieldset fp-statuses" data-fp="closeout-statuses">
        <legend>Ticket status{st ? ` (now "${st.ticket.status?.name ?? 'unknown'}")` : c.statusesLoad.value === 'loading' ? ' (loading…)' : ''}</legend>
        <label class="fp-radio">
          <input type="radio" name="fp-closeout-status" checked={c.statusId.value === null} onChange={() => (c.statusId.value = null)} data-fp="closeout-status" data-status-id="" />{' '}
          Leave as it is
        </label>
        {st?.statuses
          .filter((x) => x.id !== st.ticket.status?.id)
          .map((x) => (
            <label key={x.id} class="fp-radio">
              <input
                type="radio"
                name="fp-closeout-status"
                checked={c.statusId.value === x.id}
                onChange={() => (c.statusId.value = x.id)}
                data-fp="closeout-status"
                data-status-id={String(x.id)}
              />{' '}
              {x.name}
              {x.closed ? ' (closes the ticket)' : ''}
            </label>
          ))}
      </fieldset>
      {c.statusesError.value && (
        <p class="fp-muted" data-fp="closeout-status-error">
          Statuses unavailable: {c.statusesError.value}{' '}
          <button class="fp-link" onClick={() => void m.loadStatuses(true)}>
            Try again
          </button>
        </p>
      )}
      <label class="fp-check">
        <input type="checkbox" checked={c.emailCustomer.value} onChange={(e) => (c.emailCustomer.value = e.currentTarget.checked)} data-fp="closeout-email" /> Email
        the customer
      </label>
      <label class="fp-check">
        Log{' '}
        <input
          class="fp-input fp-narrow"
          type="number"
          min={0}
          max={MAX_MINUTES}
          step={1}
          aria-label="Minutes to log (0 logs none)"
          value={m.minutesText.value}
          onInput={(e) => (c.minutes.value = e.currentTarget.value)}
          data-fp="closeout-minutes"
        />{' '}
        minutes
      </label>
      <p class="fp-muted" data-fp="closeout-summary">
        One click posts the note to ticket #{s.ticket.externalId}
        {c.emailCustomer.value ? ' and ConnectWise emails it to the customer' : ' (the customer is not emailed)'}, logs the time
        {c.statusId.value !== null ? `, sets the status to "${st?.statuses.find((x) => x.id === c.statusId.value)?.name ?? ''}"` : ''} and resolves the session.
      </p>
      <button class="fp-primary" disabled={running || n.load.value === 'loading'} onClick={() => void m.runCloseOut()} data-fp="closeout-confirm">
        {running ? 'Closing out…' : 'Close out'}
      </button>
    </>
  );
}
