// The suggested fix: accept (one-off) or reject the active one, or propose one by hand.
import { useSignal } from '@preact/signals';
import { isOpen } from '../../shared/sessions';
import { useModel } from './model-context';

export function FixCard() {
  const m = useModel();
  const s = m.session.value;
  const fix = s?.activeFix ?? null;
  const proposing = useSignal(false);
  const open = s !== null && isOpen(s);
  const busy = m.busy.value !== null;
  // A closed session with no fix has nothing to show; an open one offers the form.
  if (!fix && !open) return null;
  const decided = fix !== null && fix.decision !== null;
  return (
    <section class="fp-card fp-fix" data-fp="fix" data-fix-id={fix?.id}>
      <h3>
        Suggested fix
        {open && !proposing.value && (
          <button class="fp-link fp-push" disabled={busy} onClick={() => (proposing.value = true)} data-fp="fix-propose-open">
            {fix ? 'Propose another' : 'Propose a fix'}
          </button>
        )}
      </h3>
      {fix ? (
        <>
          <strong data-fp="fix-title">{fix.title}</strong>
          {fix.confidence !== null && <span class="fp-badge">{Math.round(fix.confidence * 100)}%</span>}
          {fix.body && <p class="fp-pre">{fix.body}</p>}
          {decided ? (
            <p data-fp="fix-decision">{fix.accepted ? '✓ Accepted' : 'Rejected'}</p>
          ) : (
            <div class="fp-row">
              <button class="fp-primary" disabled={busy} onClick={() => void m.decideFix('accept')} data-fp="fix-accept">
                Accept
              </button>
              <button class="fp-secondary" disabled={busy} onClick={() => void m.decideFix('reject')} data-fp="fix-reject">
                Reject
              </button>
            </div>
          )}
        </>
      ) : (
        !proposing.value && <p class="fp-muted">No fix suggested yet.</p>
      )}
      {proposing.value && <ProposeFixForm onDone={() => (proposing.value = false)} />}
    </section>
  );
}

function ProposeFixForm(props: { onDone: () => void }) {
  const m = useModel();
  const title = useSignal('');
  const body = useSignal('');
  const busy = m.busy.value !== null;
  return (
    <form
      class="fp-propose"
      data-fp="fix-form"
      onSubmit={(e) => {
        e.preventDefault();
        void m.proposeFix({ title: title.value, body: body.value }, 'user').then((kept) => {
          if (kept) props.onDone();
        });
      }}
    >
      <input
        class="fp-input"
        placeholder="The fix, in one line"
        maxLength={300}
        required
        value={title.value}
        onInput={(e) => (title.value = e.currentTarget.value)}
        data-fp="fix-title-input"
      />
      <textarea
        class="fp-input fp-mono"
        rows={3}
        placeholder="Steps or commands (optional)"
        value={body.value}
        onInput={(e) => (body.value = e.currentTarget.value)}
        data-fp="fix-body-input"
      />
      <div class="fp-row fp-end">
        <button class="fp-link" type="button" onClick={props.onDone}>
          Cancel
        </button>
        <button class="fp-primary" type="submit" disabled={busy || !title.value.trim()} data-fp="fix-propose">
          Propose
        </button>
      </div>
    </form>
  );
}
