// Session history: searchable by ticket, summary, company, contact and status; a read-only view with the note.
import type { SessionStatus } from '../../shared/sessions';
import { renderMarkdown } from '../lib/common/markdown';
import { Msg } from './Msg';
import type { WorkspaceModel } from './workspace-model';

const STATUSES: SessionStatus[] = ['active', 'paused', 'resolved', 'escalated', 'abandoned'];

export function SessionList({ m }: { m: WorkspaceModel }) {
  const f = m.sessionFilter.value;
  return (
    <section class="fp-library" data-fp="ws-sessions" aria-label="Session history">
      <div class="row" role="search">
        <input
          class="grow"
          type="search"
          placeholder="Ticket, company, summary…"
          value={f.text}
          onInput={(e) => (m.sessionFilter.value = { ...m.sessionFilter.value, text: e.currentTarget.value })}
          data-fp="ws-session-search"
        />
        <select
          value={f.status}
          aria-label="Status"
          onChange={(e) => {
            m.sessionFilter.value = { ...m.sessionFilter.value, status: e.currentTarget.value as SessionStatus | '' };
            void m.loadSessions();
          }}
        >
          <option value="">any status</option>
          {STATUSES.map((s) => (
            <option value={s} key={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <Msg f={m.sessionFeedback} id="ws-sessions-msg" />
      <ul class="list fp-flow-list">
        {m.shownSessions.value.map((s) => (
          <li key={s.id} class={m.viewing.value?.session.id === s.id ? 'open' : ''} data-fp="ws-session" data-session-id={s.id}>
            <button type="button" class="link fp-flow-title" onClick={() => void m.openSession(s.id)}>
              #{s.ticket.externalId} {s.ticket.summary ?? ''}
            </button>
            <div class="muted">
              {[s.ticket.company, s.status, new Date(s.updatedAt).toLocaleString()].filter(Boolean).join(' · ')}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function SessionView({ m }: { m: WorkspaceModel }) {
  const v = m.viewing.value;
  if (!v) return <section class="fp-editor fp-empty muted">Open a session to read it and its note.</section>;
  const s = v.session;
  const flow = s.flowId ? (m.flowTitle(s.flowId) ?? 'a flow no longer in the library') : null;
  return (
    <section class="fp-editor fp-session-view" data-fp="ws-session-view">
      <h2>
        Ticket #{s.ticket.externalId} {s.ticket.summary ?? ''}
      </h2>
      <p class="muted">
        {[s.ticket.company, flow ? `flow: ${flow}` : 'no flow', s.status].filter(Boolean).join(' · ')}
      </p>
      <h3>What we know</h3>
      {s.facts.length ? (
        <ul>
          {s.facts.map((fact) => (
            <li key={fact.id}>{fact.text}</li>
          ))}
        </ul>
      ) : (
        <p class="muted">No facts recorded.</p>
      )}
      <h3>Resolution note</h3>
      {v.note ? (
        // renderMarkdown's output has been through DOMPurify; the note itself was redacted by the API.
        <div class="fp-md-preview" data-fp="ws-session-note" dangerouslySetInnerHTML={{ __html: renderMarkdown(v.note.text) }} />
      ) : (
        <p class="muted">The note could not be loaded.</p>
      )}
    </section>
  );
}
