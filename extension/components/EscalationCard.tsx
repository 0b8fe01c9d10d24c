// Escalation with a preview: the reason, the package as it would be posted (with the copilot's briefing when one
// was written), where it goes and an optional board and status change; then one send, each step reported.
import { useSignal } from '@preact/signals';
import { isOpen } from '../../shared/sessions';
import { renderMarkdown } from '../lib/common/markdown';
import { useModel } from './model-context';
import { BriefingButton } from './BriefingButton';

const STATE_TEXT = { done: 'Done', already: 'Already done', failed: 'Failed', skipped: 'Skipped' } as const;
const STEP_LABEL = { escalate: 'Escalate the session', note: 'Post the package', ticket: 'Change the ticket' } as const;

export function EscalationCard() {
  const m = useModel();
  const s = m.session.value;
  const e = m.escalation;
  const expanded = useSignal(false);
  if (!s) return null;
  const open = isOpen(s);
  const unposted = s.status === 'escalated' && !s.escalation?.postedAt;
  if (!open && !unposted && !e.steps.value) return null;
  if (!expanded.value && !e.steps.value && !unposted) {
    return (
      <div class="fp-row fp-end">
        <button
          class="fp-secondary"
          onClick={() => {
            expanded.value = true;
            if (m.closeOut.statusesLoad.value === 'idle') void m.loadStatuses();
            void m.loadEscalationBoards();
          }}
          data-fp="escalate-open"
        >
          Escalate…
        </button>
      </div>
    );
  }
  const p = e.preview.value;
  const st = m.closeOut.statuses.value;
  const current = st?.board ?? null;
  const boardId = e.boardId.value;
  const target = boardId === null ? null : (e.boards.value?.find((b) => b.id === boardId) ?? null);
  // The status picker offers the chosen board's statuses, else the ticket's own board's.
  const choices = boardId === null ? st?.statuses : e.boardStatuses.value?.statuses;
  const chosenStatus = choices?.find((x) => x.id === e.statusId.value) ?? null;
  const reasonChanged = e.previewedReason.value !== null && e.previewedReason.value !== e.reason.value.trim();
  const steps = e.steps.value;
  const failed = steps?.some((x) => x.state === 'failed') ?? false;
  return (
    <section class="fp-card" data-fp="escalation" aria-busy={e.sending.value || e.previewLoad.value === 'loading'}>
      <h3>Escalate to the next tier</h3>
      {!steps && (
        <>
          <label class="fp-field">
            Reason
            <input
              class="fp-input"
              maxLength={2000}
              value={unposted && !e.reason.value ? (s.escalation?.reason ?? '') : e.reason.value}
              onInput={(ev) => (e.reason.value = ev.currentTarget.value)}
              data-fp="escalation-reason"
            />
          </label>
          <button
            class="fp-secondary"
            disabled={!(e.reason.value.trim() || (unposted && s.escalation?.reason)) || e.previewLoad.value === 'loading'}
            onClick={() => {
              if (!e.reason.value.trim() && s.escalation?.reason) e.reason.value = s.escalation.reason;
              void m.previewEscalation();
            }}
            data-fp="escalation-preview-button"
          >
            {e.previewLoad.value === 'loading' ? 'Writing the package…' : p ? 'Preview again' : 'Preview the package'}
          </button>
        </>
      )}
      {p && !steps && (
        <>
          <p class="fp-muted" data-fp="escalation-destination">
            Goes to ticket #{p.destination.ticket} as{' '}
            {[p.destination.flags.internal && 'an internal', p.destination.flags.discussion && 'a discussion', p.destination.flags.resolution && 'a resolution']
              .filter(Boolean)
              .join(' and ')}{' '}
            note; {p.destination.processNotifications ? 'ConnectWise emails the customer' : 'the customer is not emailed'}.
            {p.package.redactionCount > 0 ? ` ${p.package.redactionCount} secret${p.package.redactionCount === 1 ? '' : 's'} hidden.` : ''}
            {p.destination.alreadyPosted ? ' The package is already on the ticket: sending does not post it twice.' : ''}
          </p>
          <BriefingButton />
          {p.package.format === 'markdown' ? (
            // Sanitised by DOMPurify in renderMarkdown.
            <div class="fp-note-preview" data-fp="escalation-preview" dangerouslySetInnerHTML={{ __html: renderMarkdown(p.package.text) }} />
          ) : (
            <pre class="fp-note-preview fp-pre" data-fp="escalation-preview">
              {p.package.text}
            </pre>
          )}
          <label class="fp-field">
            Move the ticket to the board
            <select
              class="fp-input"
              value={boardId === null ? '' : String(boardId)}
              disabled={!e.boards.value}
              onChange={(ev) => void m.chooseEscalationBoard(ev.currentTarget.value ? Number(ev.currentTarget.value) : null)}
              data-fp="escalation-board"
            >
              <option value="">Keep the board{current?.name ? ` (${current.name})` : ''}</option>
              {e.boards.value
                ?.filter((b) => b.id !== current?.id)
                .map((b) => (
                  <option key={b.id} value={String(b.id)}>
                    {b.name}
                  </option>
                ))}
            </select>
          </label>
          <label class="fp-field">
            Then set the ticket's status
            <select
              class="fp-input"
              value={e.statusId.value === null ? '' : String(e.statusId.value)}
              disabled={!choices}
              onChange={(ev) => (e.statusId.value = ev.currentTarget.value ? Number(ev.currentTarget.value) : null)}
              data-fp="escalation-status"
              data-board={boardId ?? current?.id ?? ''}
            >
              <option value="">{boardId === null ? 'Leave it as it is' : 'The board\'s default'}</option>
              {choices
                ?.filter((x) => !x.closed)
                .map((x) => (
                  <option key={x.id} value={String(x.id)}>
                    {x.name}
                  </option>
                ))}
            </select>
          </label>
          <p class="fp-muted" data-fp="escalation-where">
            {target
              ? `The ticket moves to the board "${target.name}"${chosenStatus ? `, status "${chosenStatus.name}"` : ', in its default status'}.`
              : `The ticket stays on ${current?.name ? `the board "${current.name}"` : 'its board'}${chosenStatus ? ` and becomes "${chosenStatus.name}"` : ', status unchanged'}.`}
          </p>
          {reasonChanged && <p class="fp-muted">The reason changed: preview again before sending.</p>}
          <button class="fp-primary" disabled={e.sending.value || reasonChanged || e.boardStatusesLoad.value === 'loading'} onClick={() => void m.sendEscalation()} data-fp="escalation-send">
            {e.sending.value ? 'Escalating…' : 'Escalate and post'}
          </button>
        </>
      )}
      {steps && (
        <ol class="fp-steps" data-fp="escalation-steps" aria-live="polite">
          {steps.map((x) => (
            <li key={x.step} data-fp="escalation-step" data-step={x.step} data-state={x.state}>
              <strong>{STEP_LABEL[x.step]}:</strong> {STATE_TEXT[x.state]} — {x.detail}
            </li>
          ))}
        </ol>
      )}
      {e.error.value && (
        <div class="fp-error" role="alert" data-fp="escalation-error">
          {e.error.value}
        </div>
      )}
      {steps && failed && (
        <button class="fp-primary" disabled={e.sending.value} onClick={() => void m.sendEscalation()} data-fp="escalation-retry">
          {e.sending.value ? 'Retrying…' : 'Retry the failed steps'}
        </button>
      )}
    </section>
  );
}
