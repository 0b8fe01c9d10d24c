// The Scripts section: drafts waiting for review on top (edit, approve, dismiss), the library's templates below.
import { Msg } from './Msg';
import { provenance, type ScriptLanguage } from './scripts-model';
import type { WorkspaceModel } from './workspace-model';

const LANGUAGES: ScriptLanguage[] = ['powershell', 'cmd', 'bash', 'python', 'other'];

export function Scripts({ m }: { m: WorkspaceModel }) {
  const s = m.scripts;
  return (
    <section class="fp-ws-wide" data-fp="ws-scripts" aria-label="Scripts">
      <Msg f={s.feedback} id="ws-scripts-msg" />
      <Drafts m={m} />
      <div class="fp-card" data-fp="ws-templates">
        <div class="row">
          <h2 class="grow">Script library</h2>
          <input type="search" placeholder="Search scripts…" value={s.filter.value} onInput={(e) => (s.filter.value = e.currentTarget.value)} data-fp="ws-script-search" />
        </div>
        {s.shown.value.length === 0 ? <p class="muted">{s.templates.value.length ? 'No script matches.' : 'No scripts yet: approved drafts land here.'}</p> : null}
        <ul class="list">
          {s.shown.value.map((t) => (
            <li key={t.id} class="fp-script" data-fp="ws-template" data-template-id={t.id}>
              <div class="row">
                <strong class="grow">{t.name}</strong>
                <span class="fp-chip" data-fp="ws-provenance">
                  {provenance(t.provenance, t.useCount)}
                </span>
                <button type="button" onClick={() => void s.copyTemplate(t)} data-fp="ws-copy">
                  Copy
                </button>
              </div>
              {t.description ? <p class="hint">{t.description}</p> : null}
              <pre class="fp-code">
                <code>{t.body}</code>
              </pre>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}

function Drafts({ m }: { m: WorkspaceModel }) {
  const s = m.scripts;
  const r = s.review.value;
  const canEdit = m.canEdit.value;
  return (
    <div class="fp-card" data-fp="ws-drafts">
      <h2>
        Drafts to review <span class="fp-badge">{s.pending.value}</span>
      </h2>
      <p class="hint">Commands from resolved sessions, secrets already replaced by placeholders. Approve the useful ones into the library.</p>
      {s.drafts.value.length === 0 ? <p class="muted">No drafts are waiting.</p> : null}
      <ul class="list">
        {s.drafts.value.map((d) => (
          <li key={d.id} class="fp-script" data-fp="ws-draft" data-draft-id={d.id}>
            {r?.draft.id === d.id ? (
              <form
                class="fp-review"
                onSubmit={(e) => {
                  e.preventDefault();
                  void s.approve();
                }}
              >
                <div class="row">
                  <input class="grow" name="draftName" aria-label="Name" value={r.name} onInput={(e) => s.editReview({ name: e.currentTarget.value })} />
                  <select name="draftLanguage" aria-label="Language" value={r.language} onChange={(e) => s.editReview({ language: e.currentTarget.value as ScriptLanguage })}>
                    {LANGUAGES.map((l) => (
                      <option key={l} value={l}>
                        {l}
                      </option>
                    ))}
                  </select>
                </div>
                <textarea name="draftBody" rows={6} aria-label="Script" value={r.body} onInput={(e) => s.editReview({ body: e.currentTarget.value })} />
                <div class="row">
                  <button class="primary" type="submit" data-fp="ws-approve-draft">
                    Approve into the library
                  </button>
                  <button type="button" onClick={s.cancelReview}>
                    Cancel
                  </button>
                </div>
              </form>
            ) : (
              <>
                <div class="row">
                  <strong class="grow">{d.name}</strong>
                  <span class="fp-chip">{provenance(d.provenance)}</span>
                  <span class="muted">{d.language}</span>
                </div>
                <pre class="fp-code">
                  <code>{d.body}</code>
                </pre>
                {canEdit ? (
                  <div class="row">
                    <button type="button" class="primary" onClick={() => s.startReview(d)} data-fp="ws-review-draft">
                      Review
                    </button>
                    <button type="button" onClick={() => void s.dismiss(d)} data-fp="ws-dismiss-draft">
                      Dismiss
                    </button>
                  </div>
                ) : null}
              </>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
