// The suggested fix: the seed's decisions on the active one (one-off, draft template, build template, dismiss), or propose one by hand.
import { useSignal } from '@preact/signals';
import { isOpen } from '../../shared/sessions';
import { DECISION_LABELS } from '../lib/panel/model';
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
            <p data-fp="fix-decision">
              {fix.decision ? `${fix.accepted ? '✓ ' : ''}${DECISION_LABELS[fix.decision]}` : ''}
              {fix.decision === 'build_template' && fix.origin === 'copilot' ? ' (a copilot script is drafted for review first)' : ''}
            </p>
          ) : (
            <div class="fp-row fp-wrap" role="group" aria-label="Decide on this fix">
              <button class="fp-primary" disabled={busy} onClick={() => void m.decideFixAs('one_off')} data-fp="fix-accept" title="Accept this fix for this ticket only">
                Accept
              </button>
              {fix.body.trim() && (
                <>
                  <button class="fp-secondary" disabled={busy} onClick={() => void m.decideFixAs('draft_template')} data-fp="fix-draft-template" title="Accept, and save its script as a draft template for the team to review">
                    Accept + draft template
                  </button>
                  <button class="fp-secondary" disabled={busy} onClick={() => void m.decideFixAs('build_template')} data-fp="fix-build-template" title="Accept, and build a script template from it now">
                    Accept + build template
                  </button>
                </>
              )}
              <button class="fp-secondary" disabled={busy} onClick={() => void m.decideFixAs('dismissed')} data-fp="fix-reject" title="Dismiss this fix">
                Dismiss
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
