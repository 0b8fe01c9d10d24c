// The active suggested fix: accept (one-off) or reject.
import { useModel } from './model-context';

export function FixCard() {
  const m = useModel();
  const fix = m.session.value?.activeFix;
  if (!fix) return null;
  const decided = fix.decision !== null;
  return (
    <section class="fp-card fp-fix" data-fp="fix" data-fix-id={fix.id}>
      <h3>Suggested fix</h3>
      <strong>{fix.title}</strong>
      {fix.confidence !== null && <span class="fp-badge">{Math.round(fix.confidence * 100)}%</span>}
      {fix.body && <p class="fp-pre">{fix.body}</p>}
      {decided ? (
        <p data-fp="fix-decision">{fix.accepted ? '✓ Accepted' : 'Rejected'}</p>
      ) : (
        <div class="fp-row">
          <button class="fp-primary" disabled={m.busy.value !== null} onClick={() => void m.decideFix('accept')} data-fp="fix-accept">
            Accept
          </button>
          <button class="fp-secondary" disabled={m.busy.value !== null} onClick={() => void m.decideFix('reject')} data-fp="fix-reject">
            Reject
          </button>
        </div>
      )}
    </section>
  );
}
