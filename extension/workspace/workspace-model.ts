// The workspace page's state: who is signed in and what their role lets them do, the flow library, the flow open in
// the editor (with its title, kind and tags), the flywheel's proposals and the session history. Every call goes
// through the background.
import { batch, computed, signal } from '@preact/signals';
import { browser } from 'wxt/browser';
import type { FlowKind, User } from '../lib/common/api-types';
import { callApi, sendMessage, type AccountState, type CallApi, type CallResult } from '../lib/common/protocol';
import type { FlowDraft, FlowProposal, LibraryFlowSummary } from './api-types';
import { createEditorModel } from './editor-model';
import { flowFileName, parseFlowFile, toFlowFile } from './flow-file';
import { createSchedulesModel } from './schedules-model';
import { createScriptsModel } from './scripts-model';
import { createSessionsModel } from './sessions-model';
import { createTeamModel } from './team-model';
import { createAssistantModel, openAssistantStream } from '../lib/pages/assistant-model';
import { createUsageModel } from './usage-model';
import { createStepsModel } from './steps-model';
import { createBuilderModel, openBuilderStream, type DraftStream } from './builder-model';

export type Feedback = { kind: 'ok' | 'error' | 'busy'; text: string } | null;
export type Section = 'flows' | 'proposals' | 'sessions' | 'scripts' | 'maintenance' | 'team' | 'usage' | 'steps' | 'builder' | 'assistant';

export interface WorkspaceDeps {
  call: CallApi;
  accountState: () => Promise<AccountState>;
  openOptions: () => void;
  /** Offers a file to save (export). */
  download: (fileName: string, text: string) => void;
  confirm: (question: string) => boolean;
  /** Puts text on the clipboard (a script copied from the library). */
  copy: (text: string) => Promise<void>;
  /** Streams the AI builder's draft; without it the builder asks for the whole draft in one call. */
  draftFlow?: DraftStream;
}

export function defaultWorkspaceDeps(): WorkspaceDeps {
  return {
    call: callApi,
    accountState: () => sendMessage('accountState'),
    openOptions: () => void browser.runtime.openOptionsPage(),
    download: (fileName, text) => {
      const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
      const a = Object.assign(document.createElement('a'), { href: url, download: fileName });
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    },
    confirm: (question) => window.confirm(question),
    copy: (text) => navigator.clipboard.writeText(text),
    draftFlow: openBuilderStream,
  };
}

const RANK: Record<Role, number> = { viewer: 0, engineer: 1, team_admin: 2, super_admin: 3 };

/** The flow in the editor: its library fields as the form holds them (tags as typed), and where it came from. */
export interface OpenFlow {
  /** null until first saved. */
  id: string | null;
  version: number | null;
  kind: FlowKind;
  title: string;
  description: string;
  category: string;
  tags: string;
  /** Set while previewing a proposal: read-only, decided from the proposals list. */
  proposalId?: string;
}

const splitTags = (s: string) => [...new Set(s.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean))];

/** A failed call in words the user can act on. */
export function failure(r: CallResult<unknown>): string {
  if (r.ok) return '';
  if (r.queued) return 'The API is unreachable; nothing was changed.';
  if (r.error.status === 0) return `The FlowPilot API cannot be reached: ${r.error.message}`;
  if (r.error.status === 403) return `Your role does not allow this: ${r.error.message}`;
  return r.error.message;
}

type Role = User['role'];

export function createWorkspaceModel(deps: WorkspaceDeps = defaultWorkspaceDeps()) {
  const account = signal<AccountState | null>(null);
  const section = signal<Section>('flows');
  const role = computed<Role | null>(() => account.value?.user?.role ?? null);
  const canEdit = computed(() => role.value !== null && RANK[role.value] >= RANK.engineer);
  const canManage = computed(() => role.value !== null && RANK[role.value] >= RANK.team_admin);

  const filter = signal<{ q: string; kind: FlowKind | ''; tag: string; category: string }>({ q: '', kind: '', tag: '', category: '' });
  const flows = signal<LibraryFlowSummary[]>([]);
  /** The list on screen answers a full-text search (ranked), rather than browsing the library. */
  const searched = signal(false);
  /** Every live flow, unfiltered: where the tag and category choices come from. */
  const allFlows = signal<LibraryFlowSummary[]>([]);
  const tags = computed(() => [...new Set(allFlows.value.flatMap((f) => f.tags))].sort());
  const categories = computed(() => [...new Set(allFlows.value.map((f) => f.category).filter((c): c is string => Boolean(c)))].sort());
  const libraryFeedback = signal<Feedback>(null);

  const editor = createEditorModel();
  const open = signal<OpenFlow | null>(null);
  const editorFeedback = signal<Feedback>(null);
  const readOnly = computed(() => !canEdit.value || Boolean(open.value?.proposalId));
  /** Unsaved library fields count as unsaved changes too. */
  const savedMeta = signal('');
  const metaOf = (o: OpenFlow | null) => (o ? JSON.stringify([o.kind, o.title, o.description, o.category, splitTags(o.tags)]) : '');
  const dirty = computed(() => editor.dirty.value || metaOf(open.value) !== savedMeta.value);
  let discardArmed = false;

  const proposals = signal<FlowProposal[]>([]);
  const proposalFeedback = signal<Feedback>(null);

  const history = createSessionsModel({ call: deps.call, canEdit, failure, copy: deps.copy, confirm: deps.confirm });

  const team = createTeamModel(deps.call, canManage, failure);
  const usage = createUsageModel(deps.call, canManage, failure);
  const scripts = createScriptsModel(deps.call, canEdit, failure, deps.copy);
  const schedules = createSchedulesModel(deps.call, canManage, failure);
  const steps = createStepsModel(deps.call, canEdit, failure);
  const builder = createBuilderModel(deps.call, failure, deps.draftFlow);
  const assistant = createAssistantModel({ call: deps.call, ask: openAssistantStream });
  const maintenanceFlows = computed(() => allFlows.value.filter((f) => f.kind === 'maintenance'));

  /** `hash`: "#/v1/flows/<id>" or "#/v1/sessions/<id>" when the panel opened an Ask source here. */
  async function init(hash = '') {
    account.value = await deps.accountState();
    if (!account.value.signedIn) return;
    await Promise.all([refreshLibrary(), scripts.loadCount()]);
    const target = /^#\/v1\/(flows|sessions)\/([0-9a-f-]{36})$/i.exec(hash);
    if (target?.[1] === 'flows') await openFlow(target[2]!);
    else if (target?.[1] === 'sessions') {
      go('sessions');
      await history.open(target[2]!);
    }
  }

  async function refreshLibrary() {
    const f = filter.value;
    libraryFeedback.value = { kind: 'busy', text: 'Loading the library…' };
    const filtered = Boolean(f.q.trim() || f.kind || f.tag || f.category);
    const [list, all] = await Promise.all([
      deps.call('libraryFlows', { q: f.q.trim() || undefined, kind: f.kind || undefined, tag: f.tag || undefined, category: f.category || undefined }),
      filtered ? deps.call('libraryFlows', {}) : null,
    ]);
    if (!list.ok) {
      libraryFeedback.value = { kind: 'error', text: `The library did not load: ${failure(list)}` };
      return;
    }
    batch(() => {
      flows.value = list.data.flows;
      searched.value = Boolean(f.q.trim());
    });
    if (!filtered) allFlows.value = list.data.flows;
    else if (all?.ok) allFlows.value = all.data.flows;
    libraryFeedback.value = list.data.flows.length ? null : { kind: 'ok', text: filtered ? 'No flow matches.' : 'The library is empty.' };
  }

  function setFilter(patch: Partial<typeof filter.value>) {
    filter.value = { ...filter.value, ...patch };
    void refreshLibrary();
  }

  /** Puts a flow in the editor; `unsaved` (an import) counts as a change to save even before any edit. */
  function show(o: OpenFlow, graph: FlowDraft['graph'] | null, unsaved = false) {
    editor.load(graph, o.kind);
    open.value = o;
    savedMeta.value = unsaved ? '' : metaOf(o);
    editorFeedback.value = null;
    discardArmed = false;
  }

  /** Leaving an edited flow asks twice: the second time discards. */
  function mayLeave(): boolean {
    if (!open.value || readOnly.value || !dirty.value || discardArmed) return true;
    discardArmed = true;
    editorFeedback.value = { kind: 'error', text: 'This flow has unsaved changes: save it, or press again to discard them.' };
    return false;
  }

  function newFlow(kind: FlowKind = 'troubleshooting') {
    if (!mayLeave()) return;
    section.value = 'flows';
    show({ id: null, version: null, kind, title: '', description: '', category: '', tags: '' }, null);
  }

  async function openFlow(flowId: string) {
    if (!mayLeave()) return;
    const r = await deps.call('getFlow', { flowId });
    if (!r.ok) {
      libraryFeedback.value = { kind: 'error', text: `The flow did not open: ${failure(r)}` };
      return;
    }
    const f = r.data.flow;
    show({ id: f.id, version: f.version, kind: f.kind, title: f.title, description: f.description, category: f.category ?? '', tags: f.tags.join(', ') }, f.graph);
  }

  function closeEditor() {
    if (mayLeave()) open.value = null;
  }

  function setMeta(patch: Partial<Omit<OpenFlow, 'id' | 'version' | 'proposalId'>>) {
    if (!open.value) return;
    open.value = { ...open.value, ...patch };
    if (patch.kind) editor.kind.value = patch.kind;
  }

  const draftOf = (o: OpenFlow): FlowDraft => ({
    kind: o.kind,
    title: o.title.trim(),
    description: o.description.trim(),
    category: o.category.trim() || null,
    tags: splitTags(o.tags),
    graph: editor.graph(),
  });

  async function save(): Promise<boolean> {
    const o = open.value;
    if (!o || readOnly.value) return false;
    const problems = editor.problems.value.length;
    if (problems) {
      editorFeedback.value = { kind: 'error', text: `Not saved: fix the ${problems === 1 ? 'problem' : `${problems} problems`} marked on the canvas first.` };
      return false;
    }
    if (!o.title.trim()) {
      editorFeedback.value = { kind: 'error', text: 'Not saved: the flow needs a title.' };
      return false;
    }
    editorFeedback.value = { kind: 'busy', text: 'Saving…' };
    const draft = draftOf(o);
    const r = o.id && o.version ? await deps.call('updateFlow', { flowId: o.id, version: o.version, ...draft }) : await deps.call('createFlow', draft);
    if (!r.ok) {
      const conflict = !r.queued && r.error.status === 409;
      editorFeedback.value = {
        kind: 'error',
        text: conflict ? 'Not saved: someone saved this flow meanwhile. Export yours, reopen the flow, and apply your changes again.' : `Not saved: ${failure(r)}`,
      };
      return false;
    }
    const f = r.data.flow;
    open.value = { ...o, id: f.id, version: f.version };
    savedMeta.value = metaOf(open.value);
    editor.markSaved();
    discardArmed = false;
    editorFeedback.value = { kind: 'ok', text: `Saved "${f.title}" (version ${f.version}).` };
    await refreshLibrary();
    return true;
  }

  async function duplicate(flowId: string) {
    const r = await deps.call('getFlow', { flowId });
    const f = r.ok ? r.data.flow : null;
    const copy = f ? await deps.call('createFlow', { kind: f.kind, title: `${f.title} (copy)`.slice(0, 200), description: f.description, category: f.category, tags: f.tags, graph: f.graph }) : r;
    libraryFeedback.value = copy.ok && f ? { kind: 'ok', text: `Duplicated as "${f.title} (copy)".` } : { kind: 'error', text: `Not duplicated: ${failure(copy)}` };
    if (copy.ok) await refreshLibrary();
  }

  async function archive(flow: LibraryFlowSummary) {
    if (!deps.confirm(`Archive "${flow.title}"? It leaves the library; sessions that used it keep their steps.`)) return;
    const r = await deps.call('archiveFlow', { flowId: flow.id });
    libraryFeedback.value = r.ok ? { kind: 'ok', text: `Archived "${flow.title}".` } : { kind: 'error', text: `Not archived: ${failure(r)}` };
    if (r.ok) {
      if (open.value?.id === flow.id) open.value = null;
      await refreshLibrary();
    }
  }

  async function exportFlow(flowId: string) {
    const r = await deps.call('getFlow', { flowId });
    if (!r.ok) {
      libraryFeedback.value = { kind: 'error', text: `Not exported: ${failure(r)}` };
      return;
    }
    deps.download(flowFileName(r.data.flow.title), JSON.stringify(toFlowFile(r.data.flow), null, 2));
  }

  /** An imported file opens in the editor as a new flow: its problems show on the canvas, and nothing is stored until saved. */
  function importFlow(text: string) {
    const parsed = parseFlowFile(text);
    if (!parsed.ok) {
      libraryFeedback.value = { kind: 'error', text: `Not imported: ${parsed.error}` };
      return;
    }
    if (!mayLeave()) return;
    const d = parsed.draft;
    show({ id: null, version: null, kind: d.kind, title: d.title, description: d.description ?? '', category: d.category ?? '', tags: (d.tags ?? []).join(', ') }, d.graph, true);
    editorFeedback.value = { kind: 'ok', text: 'Imported as a new flow: review it and save it to add it to the library.' };
  }

  /** The builder's draft opens in the editor as a new flow: nothing is stored until it is saved. */
  function openDraft() {
    const g = builder.result.value;
    if (!g) return;
    if (!mayLeave()) {
      builder.feedback.value = { kind: 'error', text: 'The flow open in the editor has unsaved changes: save it, or press "Open in the editor" again to discard them.' };
      return;
    }
    const d = g.draft;
    section.value = 'flows';
    show({ id: null, version: null, kind: d.kind, title: d.title, description: d.description, category: '', tags: d.tags.join(', ') }, d.graph, true);
    editorFeedback.value = { kind: 'ok', text: 'The drafted flow: review it and save it to add it to the library.' };
  }

  async function loadProposals() {
    if (!canManage.value) {
      proposals.value = [];
      proposalFeedback.value = { kind: 'error', text: 'Flow proposals are reviewed by team admins; ask one to approve or dismiss them.' };
      return;
    }
    proposalFeedback.value = { kind: 'busy', text: 'Loading proposals…' };
    const r = await deps.call('flowProposals', { status: 'pending' });
    if (!r.ok) {
      proposalFeedback.value = { kind: 'error', text: `Proposals did not load: ${failure(r)}` };
      return;
    }
    proposals.value = r.data.proposals;
    proposalFeedback.value = r.data.proposals.length ? null : { kind: 'ok', text: 'No proposals are waiting. The flywheel proposes flows from resolved sessions with no matching flow.' };
  }

  function previewProposal(p: FlowProposal) {
    if (!mayLeave()) return;
    show({ id: null, version: null, kind: p.kind as FlowKind, title: p.title, description: p.description, category: '', tags: p.tags.join(', '), proposalId: p.id }, p.graph);
  }

  async function decideProposal(p: FlowProposal, action: 'approve' | 'dismiss', reason = '') {
    const why = reason.trim();
    const r = await deps.call('decideProposal', { proposalId: p.id, action, ...(action === 'dismiss' && why ? { reason: why } : {}) });
    if (!r.ok) {
      proposalFeedback.value = { kind: 'error', text: `Not ${action === 'approve' ? 'approved' : 'dismissed'}: ${failure(r)}` };
      return;
    }
    proposals.value = proposals.value.filter((x) => x.id !== p.id);
    if (open.value?.proposalId === p.id) open.value = null;
    proposalFeedback.value = { kind: 'ok', text: action === 'approve' ? `"${p.title}" is now in the library.` : `Dismissed "${p.title}"${why ? ` (${why})` : ''}.` };
    if (action === 'approve') await refreshLibrary();
  }

  /** An assistant's source (the API path of a flow or session), opened here. */
  async function openSource(ref: string) {
    const target = /^\/v1\/(flows|sessions)\/([0-9a-f-]{36})$/i.exec(ref);
    if (target?.[1] === 'flows') {
      go('flows');
      await openFlow(target[2]!);
    } else if (target?.[1] === 'sessions') {
      go('sessions');
      await history.open(target[2]!);
    }
  }

  function go(to: Section) {
    section.value = to;
    if (to === 'proposals') void loadProposals();
    if (to === 'sessions') void history.load();
    if (to === 'team') void team.load();
    if (to === 'usage') void usage.load();
    if (to === 'scripts') void scripts.load();
    if (to === 'maintenance') void schedules.load();
    if (to === 'steps') void steps.load();
  }

  return {
    account,
    section,
    role,
    canEdit,
    canManage,
    filter,
    flows,
    searched,
    tags,
    categories,
    libraryFeedback,
    editor,
    open,
    readOnly,
    dirty,
    editorFeedback,
    proposals,
    proposalFeedback,
    history,
    team,
    usage,
    scripts,
    schedules,
    steps,
    builder,
    openDraft,
    maintenanceFlows,
    assistant,
    openSource,
    /** A flow's title from the library (null for one archived since, or none). */
    flowTitle: (flowId: string | null) => allFlows.value.find((f) => f.id === flowId)?.title ?? null,
    init,
    go,
    refreshLibrary,
    setFilter,
    newFlow,
    openFlow,
    closeEditor,
    setMeta,
    save,
    duplicate,
    archive,
    exportFlow,
    importFlow,
    loadProposals,
    previewProposal,
    decideProposal,
    openOptions: () => deps.openOptions(),
  };
}

export type WorkspaceModel = ReturnType<typeof createWorkspaceModel>;
