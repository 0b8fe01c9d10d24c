// Session history: searched on the server by words (ticket, summary, company), status, engineer and date, a page at a
// time; a read-only view with the note and the session's share links.
import type { SessionStatus } from '../../shared/sessions';
import { renderMarkdown } from '../lib/common/markdown';
import { Msg } from './Msg';
import { shareState, type SessionsModel } from './sessions-model';
import type { WorkspaceModel } from './workspace-model';

const STATUSES: SessionStatus[] = ['active', 'paused', 'resolved', 'escalated', 'abandoned'];

function Filters({ h }: { h: SessionsModel }) {
  const f = h.filter.value;
  return (
    <div role="search">
      <div class="row">
        <input
          class="grow"
          type="search"
          placeholder="Ticket, company, summary…"
          aria-label="Search sessions"
          value={f.text}
          onInput={(e) => h.setFilter({ text: e.currentTarget.value }, { typing: true })}
          data-fp="ws-session-search"
        />
        <select value={f.status} aria-label="Status" name="historyStatus" onChange={(e) => h.setFilter({ status: e.currentTarget.value as SessionStatus | '' })}>
          <option value="">any status</option>
          {STATUSES.map((s) => (
            <option value={s} key={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <div class="row">
        <select value={f.engineer} aria-label="Engineer" name="historyEngineer" onChange={(e) => h.setFilter({ engineer: e.currentTarget.value })}>
          <option value="">any engineer</option>
          {h.engineers.value.map((u) => (
            <option value={u.id} key={u.id}>
              {u.name}
            </option>
          ))}
        </select>
        <label>
          from <input type="date" name="historyFrom" value={f.from} max={f.to || undefined} onInput={(e) => h.setFilter({ from: e.currentTarget.value })} />
        </label>
        <label>
          to <input type="date" name="historyTo" value={f.to} min={f.from || undefined} onInput={(e) => h.setFilter({ to: e.currentTarget.value })} />
        </label>
      </div>
    </div>
  );
}

export function SessionList({ m }: { m: WorkspaceModel }) {
  const h = m.history;
  const busy = h.searching.value;
  return (
    <section class="fp-library" data-fp="ws-sessions" aria-label="Session history">
      <Filters h={h} />
      <Msg f={h.feedback} id="ws-sessions-msg" />
      <ul class="list fp-flow-list" data-fp="ws-session-list" aria-busy={busy ? 'true' : 'false'} style={busy ? { opacity: 0.6 } : undefined}>
        {h.items.value.map((s) => (
          <li key={s.id} class={h.viewing.value?.session.id === s.id ? 'open' : ''} data-fp="ws-session" data-session-id={s.id}>
            <button type="button" class="link fp-flow-title" onClick={() => void h.open(s.id)}>
              #{s.ticket.externalId} {s.ticket.summary ?? ''}
            </button>
            <div class="muted">{[s.ticket.company, s.engineer, s.status, new Date(s.createdAt).toLocaleString()].filter(Boolean).join(' · ')}</div>
          </li>
        ))}
      </ul>
      {/* Below the list, so nothing above it moves while a page loads. */}
      <p class="muted" role="status" data-fp="ws-sessions-busy">
        {busy ? 'Searching…' : h.loadingMore.value ? 'Loading more…' : ''}
      </p>
      {h.nextCursor.value && !busy ? (
        <button type="button" onClick={() => void h.loadMore()} disabled={h.loadingMore.value} data-fp="ws-sessions-more">
          Load more
        </button>
      ) : null}
    </section>
  );
}

function ShareLinks({ h }: { h: SessionsModel }) {
  const made = h.created.value;
  return (
    <section data-fp="ws-shares" aria-label="Share links">
      <h3>Share links</h3>
      <p class="hint">A share link opens a redacted, read-only copy of the note as it was when the link was made, for anyone holding it until it expires.</p>
      {h.canShare.value ? (
        <button type="button" onClick={() => void h.createShare()} data-fp="ws-share-create">
          New share link (3 days)
        </button>
      ) : (
        <p class="muted">Viewers read the history; engineers and team admins make share links.</p>
      )}
      <Msg f={h.shareFeedback} id="ws-share-msg" />
      {made && (
        <div class="row">
          <input class="grow" readOnly value={made.url} aria-label="The new share link" data-fp="ws-share-url" onFocus={(e) => e.currentTarget.select()} />
          <button type="button" onClick={() => void h.copyCreated()} data-fp="ws-share-copy">
            Copy
          </button>
        </div>
      )}
      {h.shares.value.length ? (
        <ul class="list fp-flow-list">
          {h.shares.value.map((s) => (
            <li key={s.id} class="row" data-fp="ws-share" data-share-id={s.id} data-active={s.active ? 'yes' : 'no'}>
              <span class="grow">
                {[s.createdBy.name ?? 'someone', `made ${new Date(s.createdAt).toLocaleString()}`].join(' · ')} · <span data-fp="ws-share-state">{shareState(s)}</span>
              </span>
              {s.active && h.canShare.value ? (
                <button type="button" onClick={() => void h.revokeShare(s)} data-fp="ws-share-revoke">
                  Revoke
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted" data-fp="ws-shares-none">
          No share links.
        </p>
      )}
    </section>
  );
}

export function SessionView({ m }: { m: WorkspaceModel }) {
  const h = m.history;
  const v = h.viewing.value;
  if (!v) return <section class="fp-editor fp-empty muted">Open a session to read it, its note and its share links.</section>;
  const s = v.session;
  const flow = s.flowId ? (v.flowTitle ?? 'a flow no longer in the library') : null;
  const note = v.note;
  return (
    <section class="fp-editor fp-session-view" data-fp="ws-session-view">
      <h2>
        Ticket #{s.ticket.externalId} {s.ticket.summary ?? ''}
      </h2>
      <p class="muted">{[s.ticket.company, v.engineer, flow ? `flow: ${flow}` : 'no flow', s.status].filter(Boolean).join(' · ')}</p>
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
      <h3>{note.kind === 'escalation' ? 'Escalation package' : 'Resolution note'}</h3>
      <p class="hint" data-fp="ws-session-note-state">
        {note.posted ? `Posted to ConnectWise ${note.postedAt ? new Date(note.postedAt).toLocaleString() : ''}` : 'Not posted: shown as it would be posted now.'}
      </p>
      {'format' in note && note.format === 'markdown' ? (
        // renderMarkdown's output has been through DOMPurify; the note itself was redacted by the API.
        <div class="fp-md-preview" data-fp="ws-session-note" dangerouslySetInnerHTML={{ __html: renderMarkdown(note.text) }} />
      ) : (
        // What was posted, or the account's plain-text format: shown line for line, as ConnectWise shows it.
        <pre class="fp-md-preview fp-note-text" data-fp="ws-session-note">
          {note.text}
        </pre>
      )}
      <ShareLinks h={h} />
    </section>
  );
}
