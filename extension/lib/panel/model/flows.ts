// The flows to choose from (recommended for the ticket first), and putting one on the session.
import { batch, signal } from '@preact/signals';
import { isOpen } from '../../../../shared/sessions';
import type { FlowSummary, SessionDetail, TicketRef } from '../../common/api-types';
import type { CallResult } from '../../common/protocol';
import { recommendFlows } from '../../common/recommend';
import type { TicketContext } from '../../ticket-context';
import { failMessage, type Core, type Load } from './core';
import type { SyncPart } from './sync';

export function toTicketRef(t: TicketContext): TicketRef {
  const { psa, externalId, summary, company, contact, board, status, priority, description, url } = t;
  return { psa, externalId, summary, company, contact, board, status, priority, description, url };
}

export function createFlows(core: Core, sync: SyncPart) {
  const { deps, ticket, session, sessionLoad, error } = core;
  const flows = signal<FlowSummary[]>([]);
  const recommended = signal<string[]>([]);
  const flowsLoad = signal<Load>('idle');
  const flowQuery = signal('');
  /** The engineer asked to choose or change the flow of the session on screen (the picker replaces the step). */
  const changingFlow = signal(false);

  let flowsSeq = 0;
  async function loadFlows(q = flowQuery.value) {
    flowsLoad.value = 'loading';
    const t = ticket.value;
    const token = core.token();
    const seq = ++flowsSeq;
    const [ranked, all] = await Promise.all([q ? Promise.resolve([]) : recommendFlows(deps.call, t?.summary), deps.call('searchFlows', q ? { q } : {})]);
    // Only the latest load for the ticket on screen may write (an older one may answer last).
    if (token !== core.token() || seq !== flowsSeq) return;
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

  /**
   * The list to choose from once the ticket proves to have no open session, unless the engineer's own search
   * got there first: loading it again would replace their results under the cursor.
   */
  function offerFlows(): Promise<void> {
    return flowsLoad.value === 'idle' ? loadFlows() : Promise.resolve();
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
    const token = core.token();
    const r = await core.run('Start', () => deps.call('startSession', { ticket: toTicketRef(t), flowId }), (d) => {
      if (token === core.token()) {
        session.value = d.session;
        sessionLoad.value = 'ready';
      }
    });
    // The panel had not seen the open session (another tab, the popup first): put the flow on it now.
    if (r.ok && flowId && r.data.session.flowId !== flowId && isOpen(r.data.session) && token === core.token()) return chooseFlow(flowId);
    return r;
  }

  /** Puts a flow on the open session (null takes it off); the walk starts again at the flow's first step. */
  async function chooseFlow(flowId: string | null): Promise<CallResult<{ session: SessionDetail }>> {
    const s = session.value;
    if (!s) return { ok: false, error: { status: 0, code: 'no_session', message: 'No session is open on this ticket.' } };
    const token = core.token();
    const title = flows.value.find((f) => f.id === flowId)?.title;
    return core.run(
      flowId ? 'Choose flow' : 'Remove flow',
      () => deps.call('chooseFlow', { sessionId: s.id, flowId }),
      (d) => {
        if (token !== core.token()) return;
        batch(() => {
          session.value = d.session;
          changingFlow.value = false;
        });
      },
      () => {
        changingFlow.value = false;
        sync.queue(flowId ? 'chooseFlow' : 'removeFlow', title);
      },
    );
  }

  /** Opens (or closes) the flow picker over the session, with a fresh list (flows may have been added since). */
  function changeFlow(open = true) {
    changingFlow.value = open;
    if (open) void loadFlows();
  }

  function reset() {
    flows.value = [];
    flowsLoad.value = 'idle';
    changingFlow.value = false;
  }

  return { flows, recommended, flowsLoad, flowQuery, changingFlow, loadFlows, offerFlows, startSession, chooseFlow, changeFlow, reset };
}
