// "Done before": resolved sessions of similar tickets (with the fix that worked, one click to propose it) and
// the company's last sessions. Loaded once the session shows; a failure is quiet, with a retry.
import { useEffect } from 'preact/hooks';
import { isOpen } from '../../shared/sessions';
import type { PastSession } from '../lib/panel/model';
import { useModel } from './model-context';
import { formatDay } from './when';

export function PastCard() {
  const m = useModel();
  const s = m.session.value;
  const p = m.past.value;
  const sessionId = s?.id;
  useEffect(() => {
    if (sessionId && m.past.peek().forSession !== sessionId) void m.loadPast();
  }, [sessionId]);
  if (!s) return null;
  const open = isOpen(s);
  return (
    <section class="fp-card" data-fp="past" aria-busy={p.load === 'loading'}>
      <h3>Done before</h3>
      {p.load === 'loading' && (
        <p class="fp-muted" role="status" data-fp="past-loading">
          <span class="fp-spinner" aria-hidden="true" /> Looking for similar tickets…
        </p>
      )}
      {p.load === 'error' && (
        <p class="fp-muted" data-fp="past-error">
          Past sessions could not be loaded.{' '}
          <button class="fp-link" onClick={() => void m.loadPast()} data-fp="past-retry">
            Retry
          </button>
        </p>
      )}
      {p.load === 'ready' && (
        <>
          <h4>Similar tickets, resolved</h4>
          {p.similar.length === 0 ? (
            <p class="fp-muted">No resolved session reads like this ticket yet.</p>
          ) : (
            <ul class="fp-list" data-fp="similar">
              {p.similar.map((x) => (
                <PastItem key={x.sessionId} item={x} canUse={open && x.fix !== null && s.activeFix?.title !== x.fix.title} busy={m.busy.value !== null} onUse={() => void m.useFixFrom(x.sessionId)} />
              ))}
            </ul>
          )}
          <h4>{s.ticket.company ? `${s.ticket.company}: last sessions` : 'This company: last sessions'}</h4>
          {p.company.length === 0 ? (
            <p class="fp-muted">No other session for this company.</p>
          ) : (
            <ul class="fp-list" data-fp="company-history">
              {p.company.map((x) => (
                <PastItem key={x.sessionId} item={x} canUse={false} busy={false} onUse={() => undefined} />
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

function PastItem(props: { item: PastSession; canUse: boolean; busy: boolean; onUse: () => void }) {
  const m = useModel();
  const x = props.item;
  return (
    <li class="fp-past" data-fp="past-item" data-session-id={x.sessionId}>
      <div>
        <strong>#{x.ticket.externalId}</strong> {x.ticket.summary ?? ''}
      </div>
      <div class="fp-muted">
        {x.status} · {formatDay(x.endedAt ?? x.createdAt, m.timeZone.value)}
        {x.rootCause ? ` · Root cause: ${x.rootCause}` : ''}
      </div>
      {x.fix && (
        <div class="fp-past-fix">
          <span>Fix that worked: {x.fix.title}</span>
          {props.canUse && (
            <button class="fp-link" disabled={props.busy} onClick={props.onUse} data-fp="use-fix" aria-label={`Propose "${x.fix.title}" as this session's fix`}>
              Use this fix
            </button>
          )}
        </div>
      )}
    </li>
  );
}
