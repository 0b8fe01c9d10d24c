// The FlowPilot side panel: ticket header, sign-in prompt or the session, offline badge.
import { isOpen } from '../../shared/sessions';
import { QUEUE_LABELS } from '../lib/common/queue-kinds';
import { useModel } from './model-context';
import { FlowPicker } from './FlowPicker';
import { StepCard } from './StepCard';
import { Facts } from './Facts';
import { FixCard } from './FixCard';
import { AskCard } from './AskCard';
import { SummaryCard } from './SummaryCard';
import { ReplyCard } from './ReplyCard';
import { PreviewCard } from './PreviewCard';
import { MemoryCard } from './MemoryCard';
import { NoteCard } from './NoteCard';
import { PastCard } from './PastCard';
import { Shortcuts } from './Shortcuts';
import { Timeline } from './Timeline';
import { MaintenanceCard } from './MaintenanceCard';
import { CloseOutCard } from './CloseOutCard';
import { EscalationCard } from './EscalationCard';
import { ShareCard } from './ShareCard';
import { DraftBadge } from './DraftBadge';

export function Panel(props: { onClose: () => void; onOpenOptions: () => void; onOpenWorkspace: (ref?: string) => void }) {
  const m = useModel();
  const t = m.ticket.value;
  const meta = t ? [t.company, t.board, t.status, t.priority].filter(Boolean).join(' · ') : '';
  return (
    <aside class="fp-panel" aria-label="FlowPilot">
      <header class="fp-header">
        <div class="fp-brand">
          FlowPilot
          {m.sync.value.pending > 0 && (
            <span class="fp-badge fp-offline" data-fp="offline-badge" title="Changes saved offline, sent when FlowPilot is reachable">
              {m.sync.value.state === 'signed_out' ? 'Signed out' : 'Offline'} · {m.sync.value.pending} queued
            </span>
          )}
          {m.signedIn.value && <DraftBadge onOpen={() => props.onOpenWorkspace()} />}
          {m.signedIn.value && (
            <button class="fp-link" title="The flow library and editor, in a tab" onClick={() => props.onOpenWorkspace()} data-fp="open-workspace">
              Workspace
            </button>
          )}
          {m.signedIn.value && <Shortcuts />}
          <button class="fp-icon" title="Hide (Alt+Shift+F)" aria-label="Hide FlowPilot" onClick={props.onClose}>
            ×
          </button>
        </div>
        {t && (
          <div class="fp-ticket" data-fp="ticket">
            <div class="fp-ticket-number" data-fp="ticket-number">Ticket #{t.externalId}</div>
            {/* Both lines hold their place while ConnectWise fills the ticket in (number first), so nothing below jumps. */}
            <div class="fp-ticket-summary" title={t.summary ?? undefined}>
              {t.summary}
            </div>
            <div class="fp-ticket-meta" title={meta || undefined}>
              {meta}
            </div>
          </div>
        )}
      </header>
      <div class="fp-body">
        {m.error.value && (
          <div class="fp-error" role="alert" data-fp="error">
            {m.error.value}
          </div>
        )}
        {m.notice.value && <div class="fp-notice" data-fp="notice">{m.notice.value}</div>}
        {m.sync.value.failed.length > 0 && (
          <div class="fp-error" data-fp="sync-failed">
            Not applied: {m.sync.value.failed.map((f) => `${f.label} (${f.message})`).join('; ')}
          </div>
        )}
        {m.account.value === null ? (
          <p class="fp-muted">Loading…</p>
        ) : !m.signedIn.value ? (
          <div class="fp-card" data-fp="sign-in">
            <p>Sign in to FlowPilot to work this ticket with a flow.</p>
            <button class="fp-primary" onClick={props.onOpenOptions}>
              Sign in
            </button>
          </div>
        ) : (
          <SessionBody onOpenSource={props.onOpenWorkspace} />
        )}
      </div>
    </aside>
  );
}

function SessionBody(props: { onOpenSource: (ref: string) => void }) {
  const m = useModel();
  const s = m.session.value;
  if (m.sessionLoad.value === 'loading' && !s) return <p class="fp-muted">Loading the session…</p>;
  if (m.sessionLoad.value === 'error' && !s)
    return (
      <button class="fp-secondary" onClick={() => void m.loadSession()}>
        Retry
      </button>
    );
  if (!s) return <FlowPicker />;
  const closed = !isOpen(s);
  const flowTitle = m.flows.value.find((f) => f.id === s.flowId)?.title;
  return (
    <div data-fp="session" data-session-id={s.id}>
      <div class="fp-session-status">
        <span>
          Session <span data-fp="session-status">{s.status}</span>
          {flowTitle ? ` · ${flowTitle}` : ''}
        </span>
        {!closed && !m.changingFlow.value && (
          <button class="fp-link fp-push" disabled={m.busy.value !== null} onClick={() => m.changeFlow()} data-fp="change-flow">
            {s.flowId ? 'Change flow' : 'Choose a flow'}
          </button>
        )}
      </div>
      <PreviewCard />
      <SummaryCard />
      <MemoryCard />
      {!closed && (m.changingFlow.value ? <FlowPicker /> : <StepCard />)}
      <MaintenanceCard />
      <Timeline />
      <Facts />
      <FixCard />
      <PastCard />
      {!closed && <AskCard onOpenSource={props.onOpenSource} />}
      {!closed && <ReplyCard />}
      <CloseOutCard />
      <NoteCard />
      <EscalationCard />
      <ShareCard />
      {/* Facts show their queued state in "What we know"; everything else waiting is listed here. */}
      {m.queued.value.some((q) => q.kind !== 'addFact') && (
        <ul class="fp-queued" data-fp="queued-list">
          {m.queued.value
            .filter((q) => q.kind !== 'addFact')
            .map((q) => (
              <li key={q.id}>
                Waiting to send: {QUEUE_LABELS[q.kind]}
                {q.text ? ` — ${q.text}` : ''}
              </li>
            ))}
        </ul>
      )}
    </div>
  );
}
