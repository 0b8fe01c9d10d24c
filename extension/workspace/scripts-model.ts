// The workspace's Scripts section: the team's script templates with where each came from, and the drafts waiting for
// review (edit, approve into the library, or dismiss). Engineers and up review; viewers read and copy.
import { computed, signal, type ReadonlySignal } from '@preact/signals';
import type { OpResult } from '../lib/common/operations';
import type { CallApi, CallResult } from '../lib/common/protocol';
import type { Feedback } from './workspace-model';

export type ScriptTemplate = OpResult<'scriptTemplates'>['templates'][number];
export type ScriptDraft = OpResult<'draftTemplates'>['drafts'][number];
export type ScriptLanguage = 'powershell' | 'cmd' | 'bash' | 'python' | 'other';

/** "from CW #184201 · resolved by Ann · used 7 times": where a script came from and how much it is used. */
export function provenance(p: { ticketRef: string | null; userName: string | null }, useCount?: number): string {
  const ticket = p.ticketRef?.match(/^connectwise#(.+)$/)?.[1];
  return [
    ticket ? `from CW #${ticket}` : p.ticketRef ? `from ${p.ticketRef}` : 'written in the library',
    p.userName ? `by ${p.userName}` : null,
    useCount === undefined ? null : `used ${useCount} ${useCount === 1 ? 'time' : 'times'}`,
  ]
    .filter(Boolean)
    .join(' · ');
}

export function createScriptsModel(call: CallApi, canEdit: ReadonlySignal<boolean>, failure: (r: CallResult<unknown>) => string, copy: (text: string) => Promise<void>) {
  const templates = signal<ScriptTemplate[]>([]);
  const drafts = signal<ScriptDraft[]>([]);
  /** The nav badge: known before the section opens. */
  const pending = signal(0);
  const filter = signal('');
  const shown = computed(() => {
    const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    return templates.value.filter((t) => words.every((w) => [t.name, t.description, t.body, ...t.tags].join(' ').toLowerCase().includes(w)));
  });
  const feedback = signal<Feedback>(null);
  /** The draft being reviewed, as edited so far. */
  const review = signal<{ draft: ScriptDraft; name: string; language: ScriptLanguage; body: string } | null>(null);

  async function loadCount() {
    const r = await call('draftCount', undefined);
    if (r.ok) pending.value = r.data.pending;
  }

  async function load() {
    const [t, d] = await Promise.all([call('scriptTemplates', undefined), call('draftTemplates', undefined)]);
    if (!t.ok || !d.ok) {
      feedback.value = { kind: 'error', text: `The script library did not load: ${failure(!t.ok ? t : d)}` };
      return;
    }
    templates.value = t.data.templates;
    drafts.value = d.data.drafts;
    pending.value = d.data.pendingCount;
    feedback.value = canEdit.value ? null : { kind: 'ok', text: 'You can read and copy scripts; reviewing drafts is for engineers and team admins.' };
  }

  function startReview(draft: ScriptDraft) {
    review.value = { draft, name: draft.name, language: draft.language as ScriptLanguage, body: draft.body };
  }

  async function approve() {
    const r0 = review.value;
    if (!r0) return;
    const r = await call('approveDraft', { draftId: r0.draft.id, name: r0.name.trim(), language: r0.language, body: r0.body });
    if (!r.ok) {
      feedback.value = { kind: 'error', text: `Not approved: ${failure(r)}` };
      return;
    }
    review.value = null;
    // The list first: reloading it resets the message line, and this message must stay.
    await load();
    feedback.value = { kind: 'ok', text: `"${r.data.template.name}" is in the script library.` };
  }

  async function dismiss(draft: ScriptDraft) {
    const r = await call('dismissDraft', { draftId: draft.id });
    if (!r.ok) {
      feedback.value = { kind: 'error', text: `Not dismissed: ${failure(r)}` };
      return;
    }
    if (review.value?.draft.id === draft.id) review.value = null;
    await load();
    feedback.value = { kind: 'ok', text: `Dismissed "${draft.name}".` };
  }

  /** Copies the script and counts the use, so the library knows which scripts earn their place. */
  async function copyTemplate(t: ScriptTemplate) {
    try {
      await copy(t.body);
    } catch {
      feedback.value = { kind: 'error', text: 'The browser refused the clipboard: select the script and copy it by hand.' };
      return;
    }
    const r = await call('useTemplate', { templateId: t.id });
    if (r.ok) templates.value = templates.value.map((x) => (x.id === t.id ? r.data.template : x));
    feedback.value = { kind: 'ok', text: `Copied "${t.name}".` };
  }

  return {
    templates,
    drafts,
    pending,
    filter,
    shown,
    feedback,
    review,
    load,
    loadCount,
    startReview,
    editReview: (patch: Partial<{ name: string; language: ScriptLanguage; body: string }>) => {
      if (review.value) review.value = { ...review.value, ...patch };
    },
    cancelReview: () => (review.value = null),
    approve,
    dismiss,
    copyTemplate,
  };
}

export type ScriptsModel = ReturnType<typeof createScriptsModel>;
