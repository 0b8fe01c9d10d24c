// The flywheel's proposed flows: where each came from, a preview on the canvas, approve into the library or dismiss.
import { useState } from 'preact/hooks';
import type { FlowProposal } from './api-types';
import { Msg } from './Msg';
import type { WorkspaceModel } from './workspace-model';

/** Dismissing asks why first (optional, kept with the proposal), so the flywheel's owners learn what was wrong. */
function Decide({ m, p }: { m: WorkspaceModel; p: FlowProposal }) {
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  if (asking) {
    return (
      <form
        class="row"
        data-fp="ws-dismiss-form"
        onSubmit={(e) => {
          e.preventDefault();
          void m.decideProposal(p, 'dismiss', reason);
        }}
      >
        <input class="grow" name="dismissReason" maxLength={500} placeholder="Why not? (for example: already covered by another flow)" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        <button type="submit" data-fp="ws-dismiss-confirm">
          Dismiss
        </button>
        <button type="button" class="link" onClick={() => setAsking(false)}>
          Cancel
        </button>
      </form>
    );
  }
  return (
    <div class="row">
      <button type="button" class="primary" onClick={() => void m.decideProposal(p, 'approve')} data-fp="ws-approve">
        Approve
      </button>
      <button type="button" onClick={() => setAsking(true)} data-fp="ws-dismiss">
        Dismiss…
      </button>
    </div>
  );
}

export function Proposals({ m }: { m: WorkspaceModel }) {
  return (
    <section class="fp-library" data-fp="ws-proposals" aria-label="Flow proposals">
      <h2>Proposed flows</h2>
      <p class="hint">Drafted from resolved sessions that no flow covered. Preview one on the canvas, then approve it into the library or dismiss it.</p>
      <Msg f={m.proposalFeedback} id="ws-proposals-msg" />
      <ul class="list fp-flow-list">
        {m.proposals.value.map((p) => (
          <li key={p.id} class={m.open.value?.proposalId === p.id ? 'open' : ''} data-fp="ws-proposal" data-proposal-id={p.id}>
            <button type="button" class="link fp-flow-title" onClick={() => m.previewProposal(p)}>
              {p.title}
            </button>
            <div class="muted">
              {p.kind} · {p.graph.nodes.length} steps · proposed {new Date(p.createdAt).toLocaleDateString()}
            </div>
            <p>{p.description}</p>
            {p.rationale && <p class="hint">Why: {p.rationale}</p>}
            <p class="hint" data-fp="ws-proposal-sources">
              From {p.sourceSessionIds.length} resolved {p.sourceSessionIds.length === 1 ? 'session' : 'sessions'} · {p.origin === 'offline' || !p.model ? 'drafted offline' : `drafted by ${p.model}`}
            </p>
            {p.sources.length ? (
              <ul class="list fp-sources" data-fp="ws-proposal-source-list">
                {p.sources.map((src) => (
                  <li key={src.sessionId} class="hint">
                    #{src.ticketExternalId} {src.summary ?? ''} {src.company ? `· ${src.company}` : ''} {src.engineer ? `· ${src.engineer}` : ''}
                  </li>
                ))}
              </ul>
            ) : null}
            <Decide m={m} p={p} />
          </li>
        ))}
      </ul>
    </section>
  );
}
