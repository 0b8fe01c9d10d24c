// The panel's state and actions as signals, composed of its parts (session, flows, timeline, note, time,
// ask, sync) over one core; built from its dependencies so each test gets a fresh one.
import { batch, effect } from '@preact/signals';
import type { TicketContext } from '../../ticket-context';
import { isOpen } from '../../../../shared/sessions';
import { createAsk } from './ask';
import { createBriefing } from './briefing';
import { createCloseOut } from './closeout';
import { createDecisions } from './decisions';
import { createCore, type PanelDeps } from './core';
import { createEntries } from './entries';
import { createFlows } from './flows';
import { createMaintenance } from './maintenance';
import { createNote } from './note';
import { createPast } from './past';
import { createSession } from './session';
import { createMemory } from './memory';
import { createPrivacy } from './privacy';
import { createReply } from './reply';
import { createSummary } from './summary';
import { createSync } from './sync';
import { createTicketFill } from './ticket-fill';
import { createTime } from './time';
import { createTimeline } from './timeline';
import { createZone } from './zone';

export type { Load, PanelDeps } from './core';
export type { QueuedItem } from './sync';
export { toTicketRef } from './flows';
export { hiddenSummary, kindLabel, noteSpots, noteText } from './note';
export { workedMinutes, type LoggedTime } from './time';
export { OWN_ENTRY_KINDS } from './entries';
export { parseTargets } from './maintenance';
export type { PastSession } from './past';
export { CLOSE_OUT_STEPS, closeOutReady, defaultRootCause, type Audience } from './closeout';
export { DECISION_LABELS } from './decisions';

export function createPanelModel(deps: PanelDeps) {
  const core = createCore(deps);
  const reloadSession = () => session.reloadSession();
  const sync = createSync(core, reloadSession);
  const flows = createFlows(core, sync);
  const session = createSession(core, sync, flows.offerFlows);
  const timeline = createTimeline(core, sync, reloadSession);
  const note = createNote(core, sync, reloadSession);
  const time = createTime(core);
  const past = createPast(core);
  const zone = createZone(core);
  const maintenance = createMaintenance(core);
  const entries = createEntries(core, reloadSession);
  const privacy = createPrivacy(core);
  const ask = createAsk(core, privacy);
  const summary = createSummary(core, privacy);
  const reply = createReply(core, privacy);
  const memory = createMemory(core);
  createTicketFill(core);

  // A session on screen (opened, resumed or started): its conversation and summary load beside it.
  let shownSessionId: string | undefined;
  effect(() => {
    const id = core.session.value?.id;
    if (id === shownSessionId) return;
    shownSessionId = id;
    if (!id) return;
    void ask.loadConversation();
    void summary.loadSummary();
  });
  // ConnectWise fills the company in after the ticket number: the client memory follows it.
  let shownCompany: string | undefined;
  effect(() => {
    const company = core.session.value ? core.ticket.value?.company?.trim() : undefined;
    if (company === shownCompany) return;
    shownCompany = company;
    if (company) void memory.loadMemory();
  });
  // A session resolved in this panel (close-out or Resolve) proposes client memory from what it learned.
  let openSessionId: string | undefined;
  effect(() => {
    const s = core.session.value;
    if (s && isOpen(s)) openSessionId = s.id;
    else if (s?.status === 'resolved' && s.id === openSessionId) {
      openSessionId = undefined;
      void memory.proposeFrom(s.id);
    }
  });
  const decisions = createDecisions(core, sync);
  const briefing = createBriefing(core, privacy, () => decisions.previewEscalation());
  const closeOut = createCloseOut(core, {
    workedMinutes: () => time.timeMinutes.value,
    editedNote: () => (note.note.draft.value !== null && note.note.draft.value !== note.note.text.value ? note.note.draft.value : null),
    afterCloseOut: () => void decisions.loadDraftCount(),
  });

  /** Called whenever the reader sees a (possibly different) ticket, or none. */
  async function setTicket(next: TicketContext | null) {
    const prev = core.ticket.value;
    core.ticket.value = next;
    if (prev?.externalId === next?.externalId) {
      // ConnectWise fills the summary after the number: recommend again once there is something to go on.
      if (next?.summary !== prev?.summary && !core.session.value && core.sessionLoad.value === 'ready' && !flows.flowQuery.value) void flows.loadFlows();
      return;
    }
    const token = core.nextToken();
    batch(() => {
      core.session.value = null;
      core.sessionLoad.value = 'idle';
      core.error.value = null;
      core.notice.value = null;
      sync.queued.value = [];
      flows.reset();
      ask.reset();
      summary.reset();
      reply.reset();
      memory.reset();
      privacy.closePreview();
      note.reset();
      time.reset();
      past.reset();
      maintenance.reset();
      closeOut.resetCloseOut();
      decisions.resetDecisions();
      briefing.reset();
    });
    if (next && core.signedIn.value) {
      void zone.loadZone();
      await session.loadSession(token);
    }
  }

  return {
    ticket: core.ticket,
    account: core.account,
    session: core.session,
    sessionLoad: core.sessionLoad,
    error: core.error,
    notice: core.notice,
    busy: core.busy,
    signedIn: core.signedIn,
    setTicket,
    ...session,
    flows: flows.flows,
    recommended: flows.recommended,
    flowsLoad: flows.flowsLoad,
    flowQuery: flows.flowQuery,
    changingFlow: flows.changingFlow,
    loadFlows: flows.loadFlows,
    startSession: flows.startSession,
    chooseFlow: flows.chooseFlow,
    changeFlow: flows.changeFlow,
    ...timeline,
    sync: sync.sync,
    queued: sync.queued,
    offline: sync.offline,
    setSync: sync.setSync,
    note: note.note,
    posted: note.posted,
    loadNote: note.loadNote,
    unhideSpot: note.unhideSpot,
    postNote: note.postNote,
    time: time.time,
    worked: time.worked,
    timeMinutes: time.timeMinutes,
    logTime: time.logTime,
    ask: ask.ask,
    past: past.past,
    loadPast: past.loadPast,
    useFixFrom: past.useFixFrom,
    timeZone: zone.timeZone,
    maintenance: {
      targets: maintenance.targets,
      cells: maintenance.cells,
      grid: maintenance.grid,
      setTargets: maintenance.setTargets,
      setCell: maintenance.setCell,
      loadGrid: maintenance.loadGrid,
      recordOnTargets: maintenance.recordOnTargets,
    },
    ...entries,
    suggest: ask.suggest,
    askQuestion: ask.askQuestion,
    rate: ask.rate,
    summary: summary.summary,
    summaryLoad: summary.summaryLoad,
    summaryError: summary.summaryError,
    loadSummary: summary.loadSummary,
    reply: reply.reply,
    draftReply: reply.draftReply,
    postReply: reply.postReply,
    outboundPreview: privacy.preview,
    previewError: privacy.previewError,
    previewHeld: privacy.held,
    showPreview: privacy.showPreview,
    sendHeld: privacy.send,
    closePreview: privacy.closePreview,
    memory: memory.memory,
    confirmMemory: memory.confirmMemory,
    editMemory: memory.editMemory,
    deleteMemory: memory.deleteMemory,
    ...closeOut,
    ...decisions,
    briefing: briefing.briefing,
    writeBriefing: briefing.writeBriefing,
  };
}

export type PanelModel = ReturnType<typeof createPanelModel>;
