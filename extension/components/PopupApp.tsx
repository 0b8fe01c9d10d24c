// The popup: sign-in state, the ticket in this tab and its session, search flows, start one in two clicks.
import { useEffect } from 'preact/hooks';
import { isOpen } from '../../shared/sessions';
import type { PopupModel } from '../lib/pages/popup-model';
import type { AssistantModel } from '../lib/pages/assistant-model';
import { sendMessage } from '../lib/common/protocol';
import { AssistantChat } from './AssistantChat';

export function PopupApp({ model: m, assistant }: { model: PopupModel; assistant?: AssistantModel }) {
  useEffect(() => void m.init(), []);
  const t = m.ticket.value;
  const s = m.session.value;
  // One open session per ticket: with one running, the popup reports it instead of offering to start another.
  const open = s !== null && isOpen(s);
  // The assistant comes first away from a ticket; on a ticket, starting a flow does.
  const chat = assistant && m.account.value?.signedIn && !m.loading.value && (
    <AssistantChat model={assistant} recent={5} onOpenSource={(ref) => void sendMessage('openSource', { ref })} />
  );
  return (
    <main class="page popup">
      <header class="row">
        <strong>FlowPilot</strong>
        <span class="muted" data-fp="popup-account">
          {m.account.value?.signedIn ? m.account.value.user?.email : 'Signed out'}
        </span>
        {m.account.value?.signedIn && (
          <button class="link" onClick={m.openWorkspace} data-fp="popup-workspace">
            Workspace
          </button>
        )}
        <button class="link" onClick={m.openOptions} data-fp="popup-options">
          Options
        </button>
      </header>
      {m.loading.value && <p class="muted">Loading…</p>}
      {m.error.value && (
        <p class="error" role="alert">
          {m.error.value}
        </p>
      )}
      {!m.loading.value && !m.account.value?.signedIn && (
        <p>
          <button class="primary" onClick={m.openOptions}>
            Sign in
          </button>
        </p>
      )}
      {!m.loading.value && (
        <section>
          {t ? (
            <div data-fp="popup-ticket">
              Ticket <strong>#{t.externalId}</strong> {t.summary && <span class="muted">— {t.summary}</span>}
            </div>
          ) : (
            <p class="muted">Open a ConnectWise service ticket to start a flow on it.</p>
          )}
          {s && (
            <p data-fp="popup-session">
              Session: <strong data-fp="popup-session-status">{s.status}</strong>
              {open && <span class="muted"> — continue in the FlowPilot panel on the ticket.</span>}
            </p>
          )}
          {m.started.value && <p class="ok" data-fp="popup-started">{m.started.value}</p>}
        </section>
      )}
      {!t && chat}
      {m.account.value?.signedIn && !open && (
        <section>
          <form
            class="row"
            onSubmit={(e) => {
              e.preventDefault();
              void m.search(m.query.value);
            }}
          >
            <input placeholder="Search flows" value={m.query.value} onInput={(e) => (m.query.value = e.currentTarget.value)} data-fp="popup-search" />
            <button type="submit">Search</button>
          </form>
          <ul class="list">
            {m.flows.value.map((f) => (
              <li key={f.id} class="row" data-fp="popup-flow" data-flow-id={f.id}>
                <span class="grow">
                  {f.title} {m.recommended.value.includes(f.id) ? <strong class="ok">Recommended</strong> : <span class="muted">{f.kind}</span>}
                </span>
                <button class="primary" disabled={!t || m.starting.value !== null} onClick={() => void m.start(f.id)} data-fp="popup-start">
                  {t ? `Start on #${t.externalId}` : 'Start'}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {t && chat}
    </main>
  );
}
