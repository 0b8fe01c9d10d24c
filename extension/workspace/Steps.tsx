// The Steps section: the team's reusable steps with their ratings, a search, adding a step, and one step's reviews with a rating form.
import type { NodeKind } from '../../api/services/flow-graph';
import { NODE_KIND_LABELS } from './editor-model';
import { Msg } from './Msg';
import { ratingLabel } from './steps-model';
import type { WorkspaceModel } from './workspace-model';

const KINDS = Object.keys(NODE_KIND_LABELS) as NodeKind[];

export function Steps({ m }: { m: WorkspaceModel }) {
  const s = m.steps;
  return (
    <section class="fp-ws-wide" data-fp="ws-steps" aria-label="Step library">
      <Msg f={s.feedback} id="ws-steps-msg" />
      <div class="fp-card">
        <div class="row">
          <h2 class="grow">Step library</h2>
          <input type="search" placeholder="Search steps…" value={s.query.value} onInput={(e) => s.search(e.currentTarget.value)} data-fp="ws-step-search" aria-label="Search steps" />
          {m.canEdit.value && !s.form.value ? (
            <button type="button" onClick={s.startAdd} data-fp="ws-step-add">
              Add a step
            </button>
          ) : null}
        </div>
        <p class="hint">Reusable steps, best rated first. Insert one into a flow from the editor's "Insert from step library".</p>
        <AddStep m={m} />
        <ul class="list" aria-busy={s.loading.value} data-fp="ws-step-list">
          {s.steps.value.map((step) => (
            <li key={step.id} class="fp-script" data-fp="ws-step" data-step-id={step.id}>
              <div class="row">
                <strong class="grow">{step.title}</strong>
                <span class="fp-chip">{NODE_KIND_LABELS[step.kind]}</span>
                <span class="muted" data-fp="ws-step-rating">
                  {ratingLabel(step.rating)}
                </span>
                <span class="muted">used {step.useCount}×</span>
                <button type="button" onClick={() => void s.openStep(step.id)} data-fp="ws-step-open">
                  Reviews
                </button>
              </div>
              {step.description ? <p class="hint">{step.description}</p> : null}
              {s.detail.value?.id === step.id ? <StepReviews m={m} /> : null}
            </li>
          ))}
        </ul>
        {s.steps.value.length === 0 && !s.loading.value ? <p class="muted">{s.query.value.trim() ? 'No step matches.' : 'No steps yet: add the ones your team repeats.'}</p> : null}
      </div>
    </section>
  );
}

function AddStep({ m }: { m: WorkspaceModel }) {
  const s = m.steps;
  const f = s.form.value;
  if (!f) return null;
  return (
    <form
      class="fp-review"
      data-fp="ws-step-form"
      onSubmit={(e) => {
        e.preventDefault();
        void s.add();
      }}
    >
      <div class="row">
        <input class="grow" name="stepTitle" aria-label="Title" placeholder="Step title" value={f.title} onInput={(e) => s.editForm({ title: e.currentTarget.value })} maxLength={300} />
        <select name="stepKind" aria-label="Kind" value={f.kind} onChange={(e) => s.editForm({ kind: e.currentTarget.value as NodeKind })}>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {NODE_KIND_LABELS[k]}
            </option>
          ))}
        </select>
      </div>
      <textarea name="stepBody" rows={3} aria-label="Body (markdown)" placeholder="What the engineer does or checks (markdown)" value={f.body} onInput={(e) => s.editForm({ body: e.currentTarget.value })} />
      <input name="stepCommand" aria-label="Command" placeholder="Command (optional)" value={f.command} onInput={(e) => s.editForm({ command: e.currentTarget.value })} />
      <textarea name="stepOptions" rows={2} aria-label="Answers, one a line" placeholder="Answers, one a line (e.g. Yes / No)" value={f.options} onInput={(e) => s.editForm({ options: e.currentTarget.value })} />
      <input name="stepDescription" aria-label="Description" placeholder="When to use it" value={f.description} onInput={(e) => s.editForm({ description: e.currentTarget.value })} />
      <div class="row">
        <button class="primary" type="submit" data-fp="ws-step-save">
          Add to the step library
        </button>
        <button type="button" onClick={s.cancelAdd}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function StepReviews({ m }: { m: WorkspaceModel }) {
  const s = m.steps;
  const d = s.detail.value;
  if (!d) return null;
  const r = s.rating.value;
  return (
    <div class="fp-step-reviews" data-fp="ws-step-reviews">
      {d.reviews.length === 0 ? <p class="muted">No reviews yet.</p> : null}
      <ul class="list">
        {d.reviews.map((x) => (
          <li key={x.userId} data-fp="ws-step-review">
            <strong>{'★'.repeat(x.rating)}</strong> {x.userName}
            {x.review ? `: ${x.review}` : ''}
          </li>
        ))}
      </ul>
      {m.canEdit.value ? (
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            void s.rate();
          }}
        >
          <select name="stepStars" aria-label="Your rating" value={String(r.stars)} onChange={(e) => (s.rating.value = { ...r, stars: Number(e.currentTarget.value) })}>
            <option value="0">Your rating…</option>
            {[5, 4, 3, 2, 1].map((n) => (
              <option key={n} value={String(n)}>
                {'★'.repeat(n)} ({n})
              </option>
            ))}
          </select>
          <input class="grow" name="stepReview" aria-label="Short review" placeholder="Short review (optional)" maxLength={500} value={r.review} onInput={(e) => (s.rating.value = { ...r, review: e.currentTarget.value })} />
          <button type="submit" class="primary" data-fp="ws-step-rate">
            Rate
          </button>
          <button type="button" onClick={s.closeStep}>
            Close
          </button>
        </form>
      ) : null}
    </div>
  );
}
