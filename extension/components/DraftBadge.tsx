// "N scripts to review": draft templates waiting in the team's library (the seed's Script Library badge).
import { useEffect } from 'preact/hooks';
import { useModel } from './model-context';

export function DraftBadge(props: { onOpen: () => void }) {
  const m = useModel();
  const sessionId = m.session.value?.id;
  useEffect(() => {
    void m.loadDraftCount();
  }, [sessionId]);
  const n = m.draftsPending.value;
  if (!n) return null;
  return (
    <button class="fp-badge fp-drafts" title="Draft templates waiting for review: open the workspace" onClick={props.onOpen} data-fp="drafts-badge">
      {n} script{n === 1 ? '' : 's'} to review
    </button>
  );
}
