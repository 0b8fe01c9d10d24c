// The panel's state and actions as signals, built from its dependencies so each test gets a fresh one.
import { batch, computed, signal } from '@preact/signals';
import type { BillableOption, FlowSummary, NotePreview, Proposal, RedactionSpot, SessionDetail, TicketRef } from '../../common/api-types';
import type { AskEvent, AskRequest } from '../../common/protocol';
import type { OperationName, OpArgs, OpResult } from '../../common/operations';
import type { AccountState, CallResult } from '../../common/protocol';
import type { SyncStatus } from '../../common/storage';
import { recommendFlows } from '../../common/recommend';
import type { TicketContext } from '../../content/ticket-context';
import type { NoteFormat } from '../../../../shared/notes';
import { isOpen } from '../../../../shared/sessions';
import { MAX_MINUTES, minutesOf, workSpan } from '../../../../shared/time';

export interface PanelDeps {
  call: <K extends OperationName>(op: K, args: OpArgs<K>) => Promise<CallResult<OpResult<K>>>;
  accountState: () => Promise<AccountState>;
  /** Opens the streaming "Ask FlowPilot" channel; returns a function that cancels it. */
  ask?: (req: AskRequest, onEvent: (e: AskEvent) => void) => () => void;
}

export type Load = 'idle' | 'loading' | 'ready' | 'error';

export interface QueuedItem {
  id: string;
  label: string;
  text?: string;
}

export function toTicketRef(t: TicketContext): TicketRef {
  const { psa, externalId, summary, company, contact, board, status, priority, description, url } = t;
  return { psa, externalId, summary, company, contact, board, status, priority, description, url };
}

/** The note text of a preview: the JSON answer's, or a plain-text answer as is. */
export function noteText(data: NotePreview | string): string {
  return typeof data === 'string' ? data : data.note.text;
}

/** The review list of the note's redacted spots (JSON answers only; a plain-text answer has none). */
export function noteSpots(data: NotePreview | string): RedactionSpot[] {
  const list: unknown = typeof data === 'string' ? undefined : data.note?.redactionSpots;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (x): x is RedactionSpot => !!x && typeof x === 'object' && typeof (x as RedactionSpot).id === 'string' && typeof (x as RedactionSpot).kind === 'string',
  );
}

const KIND_LABEL: Record<string, [string, string]> = {
  password: ['password', 'passwords'],
  'api key': ['key', 'keys'],
  'private key': ['private key', 'private keys'],
  'pre-shared key': ['Wi-Fi/VPN key', 'Wi-Fi/VPN keys'],
  token: ['token', 'tokens'],
  'connection string': ['connection string', 'connection strings'],
  'card number': ['card number', 'card numbers'],
  webhook: ['webhook', 'webhooks'],
  'recovery code': ['code', 'codes'],
  'account pattern': ['account pattern match', 'account pattern matches'],
  'account word': ['account word', 'account words'],
};

/** "3 hidden: 1 password, 2 keys" (null when nothing is hidden). */
export function hiddenSummary(spots: readonly RedactionSpot[]): string | null {
  const hidden = spots.filter((s) => !s.revealed);
  if (!hidden.length) return null;
  const byLabel = new Map<string, { n: number; one: string; many: string }>();
  for (const s of hidden) {
    const [one, many] = KIND_LABEL[s.kind] ?? [s.kind, `${s.kind}s`];
    const row = byLabel.get(one) ?? { n: 0, one, many };
    row.n++;
    byLabel.set(one, row);
  }
  return `${hidden.length} hidden: ${[...byLabel.values()].map((r) => `${r.n} ${r.n === 1 ? r.one : r.many}`).join(', ')}`;
}

/** The label of one kind, singular ("password", "key"). */
export const kindLabel = (kind: string) => (KIND_LABEL[kind] ?? [kind])[0]!;

/**
 * The session's worked minutes as the API counts them (shared/time.ts). Null when the session view does
 * not say when it started (the API then picks the default itself).
 */
export function workedMinutes(s: Pick<SessionDetail, 'createdAt' | 'endedAt' | 'lane'>): number | null {
  const start = s.createdAt ? Date.parse(s.createdAt) : NaN;
  if (Number.isNaN(start)) return null;
  return minutesOf(workSpan(start, s.endedAt ? Date.parse(s.endedAt) : null, s.lane ?? []).workMs);
}

export interface LoggedTime {
  externalId: string;
  minutes: number;
  alreadyLogged: boolean;
}

export function createPanelModel(deps: PanelDeps) {
  const ticket = signal<TicketContext | null>(null);
  const account = signal<AccountState | null>(null);
  const session = signal<SessionDetail | null>(null);
  const sessionLoad = signal<Load>('idle');
  const error = signal<string | null>(null);
  const notice = signal<string | null>(null);
  const busy = signal<string | null>(null);
  const flows = signal<FlowSummary[]>([]);
  const recommended = signal<string[]>([]);
  const flowsLoad = signal<Load>('idle');
  const flowQuery = signal('');
  /** The engineer asked to choose or change the flow of the session on screen (the picker replaces the step). */
  const changingFlow = signal(false);
  const sync = signal<SyncStatus>({ state: 'online', pending: 0, failed: [], replayedAt: 0 });
  const queued = signal<QueuedItem[]>([]);

  const note = {
    format: signal<NoteFormat>('markdown'),
    text: signal(''),
    /** The redacted spots of the preview, in marker order (then the ones un-hidden for this session). */
    spots: signal<RedactionSpot[]>([]),
    /** The spot being un-hidden, while the API answers. */
    unhiding: signal<string | null>(null),
    draft: signal<string | null>(null),
    load: signal<Load>('idle'),
    error: signal<string | null>(null),
    internal: signal(true),
    resolution: signal(false),
    /** Optional: the ticket status to set when posting (e.g. "Waiting on Client"). */
    status: signal(''),
    confirming: signal(false),
    posting: signal(false),
    postedQueued: signal(false),
  };

  /** Logging the session's time to the ticket (a ConnectWise call: answered now, never queued). */
  const time = {
    /** What the engineer typed; null until they type (the field then shows the worked minutes). */
    minutes: signal<string | null>(null),
    billable: signal<BillableOption>('Billable'),
    logging: signal(false),
    /** The API's message as is (e.g. the engineer has no ConnectWise member mapped). */
    error: signal<string | null>(null),
    logged: signal<LoggedTime | null>(null),
  };

  const ask = {
    streaming: signal(false),
    text: signal(''),
    proposal: signal<Proposal | null>(null),
    error: signal<string | null>(null),
  };

  const signedIn = computed(() => account.value?.signedIn === true);
  const offline = computed(() => sync.value.state !== 'online' && sync.value.pending > 0);
  const posted = computed(() => Boolean(session.value?.resolutionNote.postedAt) || note.postedQueued.value);
  /** The session's worked minutes, when its view says enough to count them. */
  const worked = computed(() => (session.value ? workedMinutes(session.value) : null));
  /** The minutes field: the engineer's value, else the worked minutes, else empty (the API's default). */
  const timeMinutes = computed(() => time.minutes.value ?? (worked.value === null ? '' : String(worked.value)));

  let ticketToken = 0;
  let cancelAsk: (() => void) | null = null;

  function failMessage<T>(r: CallResult<T>): string | null {
    if (r.ok) return null;
    if (r.queued) return null;
    return r.error.message;
  }

  async function refreshAccount() {
    try {
      account.value = await deps.accountState();
    } catch (err) {
      account.value = { signedIn: false, user: null, apiBase: '' };
      error.value = `FlowPilot's background is not answering (${err instanceof Error ? err.message : String(err)}).`;
    }
  }

  /** Called whenever the reader sees a (possibly different) ticket, or none. */
  async function setTicket(next: TicketContext | null) {
    const prev = ticket.value;
    ticket.value = next;
    if (prev?.externalId === next?.externalId) {
      // ConnectWise fills the summary after the number: recommend again once there is something to go on.
      if (next?.summary !== prev?.summary && !session.value && sessionLoad.value === 'ready' && !flowQuery.value) void loadFlows();
      return;
    }
    const token = ++ticketToken;
    cancelAsk?.();
    batch(() => {
      session.value = null;
      sessionLoad.value = 'idle';
      error.value = null;
      notice.value = null;
      queued.value = [];
      flows.value = [];
      flowsLoad.value = 'idle';
      changingFlow.value = false;
      ask.text.value = '';
      ask.proposal.value = null;
      ask.error.value = null;
      note.text.value = '';
      note.spots.value = [];
      note.draft.value = null;
      note.load.value = 'idle';
      note.confirming.value = false;
      note.postedQueued.value = false;
      time.minutes.value = null;
      time.billable.value = 'Billable';
      time.error.value = null;
      time.logged.value = null;
    });
    if (next && signedIn.value) await loadSession(token);
  }

  /** Finds the open session for the ticket on screen; without one, loads flows to choose from. */
  async function loadSession(token = ticketToken) {
    const t = ticket.value;
    if (!t || !signedIn.value) return;
    sessionLoad.value = 'loading';
    const found = await deps.call('findSessions', { ticket: t.externalId });
    if (token !== ticketToken) return;
    if (!found.ok) {
      sessionLoad.value = 'error';
      error.value = failMessage(found) ?? 'Could not load the session.';
      return;
    }
    const open = found.data.sessions.find(isOpen);
    if (!open) {
      session.value = null;
      sessionLoad.value = 'ready';
      void loadFlows();
      return;
    }
    await reloadSession(open.id, token);
  }

  async function reloadSession(id = session.value?.id, token = ticketToken) {
    if (!id) return;
    const r = await deps.call('getSession', { sessionId: id });
    if (token !== ticketToken) return;
    if (r.ok) {
      batch(() => {
        session.value = r.data.session;
        sessionLoad.value = 'ready';
        if (sync.value.pending === 0) queued.value = [];
      });
    } else {
      sessionLoad.value = 'error';
      error.value = failMessage(r) ?? 'Could not load the session.';
    }
  }

  let flowsSeq = 0;
  async function loadFlows(q = flowQuery.value) {
    flowsLoad.value = 'loading';
    const t = ticket.value;
    const token = ticketToken;
    const seq = ++flowsSeq;
    const [ranked, all] = await Promise.all([q ? Promise.resolve([]) : recommendFlows(deps.call, t?.summary), deps.call('searchFlows', q ? { q } : {})]);
    // Only the latest load for the ticket on screen may write (an older one may answer last).
    if (token !== ticketToken || seq !== flowsSeq) return;
    if (!all.ok) {
      flowsLoad.value = 'error';
      error.value = failMessage(all) ?? 'Could not load flows.';
      return;
    }
    const top = ranked;
    const topIds = top.map((f) => f.id);
    batch(() => {
      recommended.value = topIds;
      flows.value = [...top, ...all.data.flows.filter((f) => !topIds.includes(f.id))];
      flowsLoad.value = 'ready';
    });
  }

  async function run<T>(label: string, fn: () => Promise<CallResult<T>>, onOk?: (data: T) => void, onQueued?: () => void): Promise<CallResult<T>> {
    busy.value = label;
    error.value = null;
    try {
      const r = await fn();
      if (r.ok) onOk?.(r.data);
      else if (r.queued) {
        onQueued?.();
        notice.value = `${label}: saved offline, will be sent when FlowPilot is reachable.`;
      } else error.value = `${label} failed: ${r.error.message}`;
      return r;
    } finally {
      busy.value = null;
    }
  }

  /**
   * Starts work on the ticket with this flow (or none). With a session already open, a flow is put on
   * it instead: POST /v1/sessions only ever answers with the ticket's open session, flow untouched.
   */
  async function startSession(flowId: string | null): Promise<CallResult<{ session: SessionDetail }>> {
    const t = ticket.value;
    if (!t) return { ok: false, error: { status: 0, code: 'no_ticket', message: 'No ticket on screen.' } };
    const open = session.value && isOpen(session.value) ? session.value : null;
    if (open) {
      if (flowId === null || flowId === open.flowId) return { ok: true, data: { session: open } };
      return chooseFlow(flowId);
    }
    const token = ticketToken;
    const r = await run('Start', () => deps.call('startSession', { ticket: toTicketRef(t), flowId }), (d) => {
      if (token === ticketToken) {
        session.value = d.session;
        sessionLoad.value = 'ready';
      }
    });
    // The panel had not seen the open session (another tab, the popup first): put the flow on it now.
    if (r.ok && flowId && r.data.session.flowId !== flowId && isOpen(r.data.session) && token === ticketToken) return chooseFlow(flowId);
    return r;
  }

  /** Puts a flow on the open session (null takes it off); the walk starts again at the flow's first step. */
  async function chooseFlow(flowId: string | null): Promise<CallResult<{ session: SessionDetail }>> {
    const s = session.value;
    if (!s) return { ok: false, error: { status: 0, code: 'no_session', message: 'No session is open on this ticket.' } };
    const token = ticketToken;
    const label = flowId ? 'Choose flow' : 'Remove flow';
    const title = flows.value.find((f) => f.id === flowId)?.title;
    return run(
      label,
      () => deps.call('chooseFlow', { sessionId: s.id, flowId }),
      (d) => {
        if (token !== ticketToken) return;
        batch(() => {
          session.value = d.session;
          changingFlow.value = false;
        });
      },
      () => {
        changingFlow.value = false;
        queue(label, title);
      },
    );
  }

  /** Opens (or closes) the flow picker over the session, with a fresh list (flows may have been added since). */
  function changeFlow(open = true) {
    changingFlow.value = open;
    if (open) void loadFlows();
  }

  const sid = () => session.value?.id;

  // A counter, not crypto.randomUUID(): the content script on an http (on-premise) page is not a secure context.
  let queuedSeq = 0;
  function queue(label: string, text?: string) {
    queued.value = [...queued.value, { id: `q${++queuedSeq}`, label, text }];
  }

  async function chooseOption(optionId: string | undefined, stepNote?: string) {
    const s = session.value;
    const node = s?.currentNode;
    if (!s || !node) return;
    await run(
      'Record step',
      () => deps.call('recordStep', { sessionId: s.id, nodeId: node.id, optionId, note: stepNote || undefined }),
      (d) => {
        session.value = d.session;
      },
      () => queue('Step', `${node.title}: ${node.options.find((o) => o.id === optionId)?.label ?? 'done'}`),
    );
  }

  async function addEvent(kind: 'note' | 'command' | 'observation', text: string) {
    const id = sid();
    if (!id || !text.trim()) return;
    await run('Add ' + kind, () => deps.call('addEvent', { sessionId: id, kind, text }), () => void reloadSession(), () => queue(kind, text));
  }

  async function addFact(text: string, sourceRef?: string | null, origin: 'user' | 'copilot' = 'user') {
    const id = sid();
    if (!id || !text.trim()) return false;
    const r = await run(
      'Add fact',
      () => deps.call('addFact', { sessionId: id, text: text.trim(), sourceRef: sourceRef ?? null, origin }),
      (d) => {
        const s = session.value;
        if (s) session.value = { ...s, facts: [...s.facts, d.fact] };
      },
      () => queue('Fact', text.trim()),
    );
    return r.ok || ('queued' in r && r.queued === true);
  }

  async function editFact(factId: string, text: string) {
    const id = sid();
    if (!id || !text.trim()) return;
    await run('Edit fact', () => deps.call('editFact', { sessionId: id, factId, text: text.trim() }), (d) => {
      const s = session.value;
      if (s) session.value = { ...s, facts: s.facts.map((f) => (f.id === factId ? d.fact : f)) };
    });
  }

  async function removeFact(factId: string) {
    const id = sid();
    if (!id) return;
    await run('Remove fact', () => deps.call('removeFact', { sessionId: id, factId }), () => {
      const s = session.value;
      if (s) session.value = { ...s, facts: s.facts.filter((f) => f.id !== factId) };
    });
  }

  async function decideFix(action: 'accept' | 'reject') {
    const s = session.value;
    const fix = s?.activeFix;
    if (!s || !fix) return;
    await run(
      action === 'accept' ? 'Accept fix' : 'Reject fix',
      () => deps.call('decideFix', { sessionId: s.id, fixId: fix.id, action }),
      (d) => {
        const cur = session.value;
        if (cur) session.value = { ...cur, activeFix: d.fix };
      },
      () => queue(action === 'accept' ? 'Accept fix' : 'Reject fix', fix.title),
    );
  }

  /**
   * Makes this the session's suggested fix (it supersedes the one before): the engineer's own, typed in
   * the fix card, or the copilot's, taken from its proposal. Queued like every write; true when kept.
   */
  async function proposeFix(fix: { title: string; body?: string; confidence?: number }, origin: 'user' | 'copilot'): Promise<boolean> {
    const id = sid();
    const title = fix.title.trim();
    if (!id || !title) return false;
    const body = fix.body?.trim() ?? '';
    const r = await run(
      'Propose fix',
      () => deps.call('proposeFix', { sessionId: id, title, body, ...(fix.confidence !== undefined ? { confidence: fix.confidence } : {}), origin }),
      (d) => {
        const cur = session.value;
        if (cur?.id === id) session.value = { ...cur, activeFix: d.fix };
      },
      () => queue('Propose fix', title),
    );
    return r.ok || ('queued' in r && r.queued === true);
  }

  function askCopilot(question?: string) {
    const id = sid();
    if (!id || !deps.ask) return;
    cancelAsk?.();
    batch(() => {
      ask.streaming.value = true;
      ask.text.value = '';
      ask.proposal.value = null;
      ask.error.value = null;
    });
    cancelAsk = deps.ask({ sessionId: id, question }, (e) => {
      if (e.type === 'delta') ask.text.value += e.text;
      else if (e.type === 'proposal') ask.proposal.value = e.proposal;
      else if (e.type === 'error') {
        ask.error.value = e.message;
        ask.streaming.value = false;
      } else if (e.type === 'done') ask.streaming.value = false;
    });
  }

  let defaultsLoaded = false;
  /** Set once the engineer picks a format, so the account default never overrides their choice. */
  let formatChosen = false;
  /** The account's note defaults (format, internal / resolution) preset the preview and post flags once per panel. */
  async function loadNoteDefaults() {
    if (defaultsLoaded) return;
    defaultsLoaded = true;
    const r = await deps.call('getSettings', undefined);
    if (!r.ok) return;
    const { noteDefaults, noteFormat } = r.data.settings;
    note.internal.value = noteDefaults.internal;
    note.resolution.value = noteDefaults.resolution;
    if (!formatChosen) note.format.value = noteFormat;
  }

  async function loadNote(chosen?: NoteFormat) {
    const id = sid();
    if (!id) return;
    if (chosen) formatChosen = true;
    // The first preview waits for the account defaults so it opens in the account's note format.
    await loadNoteDefaults();
    const format = chosen ?? note.format.value;
    note.format.value = format;
    note.load.value = 'loading';
    note.error.value = null;
    const r = await deps.call('resolutionNote', { sessionId: id, format });
    if (r.ok) {
      batch(() => {
        note.text.value = noteText(r.data);
        note.spots.value = noteSpots(r.data);
        note.load.value = 'ready';
      });
    } else {
      batch(() => {
        note.load.value = 'error';
        note.error.value = failMessage(r) ?? 'The note preview needs the API: it will load when FlowPilot is reachable.';
      });
    }
  }

  /**
   * Un-hides a false positive in this note only: the API records it for this session (never the
   * account's rules, never model prompts) and bumps the note's version; the preview reloads.
   */
  async function unhideSpot(spotId: string) {
    const id = sid();
    if (!id || note.unhiding.value) return;
    note.unhiding.value = spotId;
    note.error.value = null;
    try {
      const r = await deps.call('unhideRedaction', { sessionId: id, spotId });
      if (!r.ok) {
        note.error.value = failMessage(r) ?? 'Un-hiding needs the API: try again when FlowPilot is reachable.';
        return;
      }
      note.draft.value = null;
      await loadNote();
    } finally {
      note.unhiding.value = null;
    }
  }

  async function postNote() {
    const id = sid();
    if (!id) return;
    note.posting.value = true;
    try {
      const edited = note.draft.value;
      await run(
        'Post to ticket',
        () =>
          deps.call('postResolutionNote', {
            sessionId: id,
            internal: note.internal.value,
            resolution: note.resolution.value,
            ...(edited !== null && edited !== note.text.value ? { text: edited } : {}),
            ...(note.status.value.trim() ? { status: note.status.value.trim() } : {}),
          }),
        () => {
          note.confirming.value = false;
          void reloadSession();
        },
        () => {
          note.confirming.value = false;
          note.postedQueued.value = true;
          queue('Post note');
        },
      );
    } finally {
      note.posting.value = false;
    }
  }

  /** Logs the session's time to its ticket; the API makes a repeat a no-op that answers with the entry. */
  async function logTime() {
    const id = sid();
    if (!id || time.logging.value) return;
    const raw = timeMinutes.value.trim();
    const minutes = raw === '' ? undefined : Number(raw);
    if (minutes !== undefined && (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_MINUTES)) {
      time.error.value = `Minutes must be a whole number from 1 to ${MAX_MINUTES}.`;
      return;
    }
    const token = ticketToken;
    batch(() => {
      time.logging.value = true;
      time.error.value = null;
    });
    try {
      const r = await deps.call('logTime', { sessionId: id, billable: time.billable.value, ...(minutes !== undefined ? { minutes } : {}) });
      if (token !== ticketToken) return;
      if (r.ok) {
        time.logged.value = { externalId: r.data.externalId, minutes: r.data.timeEntry.minutes, alreadyLogged: r.data.alreadyLogged };
      } else {
        // Not queued (the operation has no queue); should a queue ever answer, nothing reached ConnectWise yet.
        time.error.value = r.queued ? 'The time was not logged: FlowPilot is unreachable. Try again when it is back.' : r.error.message;
      }
    } finally {
      time.logging.value = false;
    }
  }

  async function escalate(reason: string) {
    const id = sid();
    if (!id || !reason.trim()) return;
    await run('Escalate', () => deps.call('escalate', { sessionId: id, reason: reason.trim() }), () => void reloadSession(), () => queue('Escalate'));
  }

  async function postEscalation() {
    const id = sid();
    if (!id) return;
    await run('Post escalation', () => deps.call('postEscalation', { sessionId: id }), () => void reloadSession(), () => queue('Post escalation'));
  }

  async function resolve() {
    const id = sid();
    if (!id) return;
    await run('Resolve', () => deps.call('resolve', { sessionId: id }), () => void reloadSession(), () => queue('Resolve'));
  }

  /** The background replayed queued writes (or the queue state changed). */
  function setSync(next: SyncStatus) {
    const prev = sync.value;
    sync.value = next;
    if (next.replayedAt !== prev.replayedAt && session.value) void reloadSession();
    if (next.pending === 0 && prev.pending > 0) {
      queued.value = [];
      notice.value = null;
    }
  }

  return {
    ticket,
    account,
    session,
    sessionLoad,
    error,
    notice,
    busy,
    flows,
    recommended,
    flowsLoad,
    flowQuery,
    changingFlow,
    sync,
    queued,
    note,
    time,
    ask,
    signedIn,
    offline,
    posted,
    worked,
    timeMinutes,
    refreshAccount,
    setTicket,
    loadSession,
    reloadSession,
    loadFlows,
    startSession,
    chooseFlow,
    changeFlow,
    chooseOption,
    addEvent,
    addFact,
    editFact,
    removeFact,
    decideFix,
    proposeFix,
    askCopilot,
    loadNote,
    unhideSpot,
    postNote,
    logTime,
    escalate,
    postEscalation,
    resolve,
    setSync,
  };
}

export type PanelModel = ReturnType<typeof createPanelModel>;
