// The flywheel's proposed flows: where each came from, a preview on the canvas, approve into the library or dismiss.
import { Msg } from './Msg';
import type { WorkspaceModel } from './workspace-model';

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
            <div class="row">
              <button type="button" class="primary" onClick={() => void m.decideProposal(p, 'approve')} data-fp="ws-approve">
                Approve
              </button>
              <button type="button" onClick={() => void m.decideProposal(p, 'dismiss')} data-fp="ws-dismiss">
                Dismiss
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
