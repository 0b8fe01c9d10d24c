// The ticket summary part: it follows the session on screen, never blocks it, and a late answer for a ticket left behind never shows.
import { describe, expect, it } from 'vitest';
import type { SessionDetail, SessionSummary, User } from '../../common/api-types';
import type { OperationName } from '../../common/operations';
import type { AccountState, CallResult } from '../../common/protocol';
import type { TicketContext } from '../../ticket-context';
import { createPanelModel } from './index';
import type { TicketSummary } from './summary';

const ticket = (id: string): TicketContext => ({ psa: 'connectwise', externalId: id, summary: 'VPN drops', url: `https://na.myconnectwise.net/v2025_1/x#${id}` });
const engineer: User = { id: 'u', accountId: 'a', name: 'U', email: 'u@x', role: 'engineer', disabled: false, createdAt: '2026-11-25T09:00:00Z' };

const session = (id: string, ticketId: string) =>
  ({
    id,
    ticket: { psa: 'connectwise', externalId: ticketId },
    flowId: null,
    currentNodeId: null,
    status: 'active',
    stateVersion: 1,
    userId: 'u',
    rootCause: null,
    resolutionNote: { postedAt: null, externalId: null },
    escalation: { reason: null, postedAt: null, externalId: null },
    updatedAt: '2026-11-25T10:00:00Z',
    createdAt: '2026-11-25T10:00:00Z',
    endedAt: null,
    flowVersion: null,
    currentNode: null,
    lane: [],
    facts: [],
    activeFix: null,
  }) as SessionDetail;

const summaryOf = (problem: string, tier: 'offline' | 'fast' = 'offline'): TicketSummary => ({
  summary: { problem, tried: 'Nothing recorded yet.', waiting: 'A working VPN.', lines: [problem, 'Nothing recorded yet.', 'A working VPN.'] },
  tier,
  model: tier === 'fast' ? 'claude-haiku' : null,
  source: 'connectwise',
  cached: false,
  lastUpdated: null,
  notesUsed: 0,
  fallbackReason: null,
  psaError: null,
});

/** A background whose summary answers wait until the test releases them, one per call. */
function background() {
  const pending: { sessionId: string; release: (r: CallResult<unknown>) => void }[] = [];
  const call = (op: OperationName, args: { sessionId?: string; ticket?: string }): Promise<CallResult<unknown>> => {
    if (op === 'findSessions') return Promise.resolve({ ok: true, data: { sessions: [session(`s-${args.ticket}`, args.ticket!)] as unknown as SessionSummary[] } });
    if (op === 'getSession') return Promise.resolve({ ok: true, data: { session: session(args.sessionId!, args.sessionId!.slice(2)) } });
    if (op === 'ticketSummary') return new Promise((release) => pending.push({ sessionId: args.sessionId!, release }));
    return Promise.resolve({ ok: false, error: { status: 404, code: 'not_found', message: `no ${op}` } });
  };
  const signedIn: AccountState = { signedIn: true, user: engineer, apiBase: 'http://127.0.0.1:8787' };
  const model = createPanelModel({ call: call as never, accountState: async () => signedIn });
  return { model, pending };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('the ticket summary card', () => {
  it('loads once the session opens, without holding the session back, and shows the tier that answered', async () => {
    const { model, pending } = background();
    await model.refreshAccount();
    await model.setTicket(ticket('100'));
    // The session is on screen while the summary is still being written.
    expect(model.session.value?.id).toBe('s-100');
    expect(model.summary.load.value).toBe('loading');
    expect(pending.map((p) => p.sessionId)).toEqual(['s-100']);
    pending[0]!.release({ ok: true, data: summaryOf('VPN drops every 10 minutes for remote staff', 'fast') });
    await tick();
    expect(model.summary.load.value).toBe('ready');
    expect(model.summary.data.value?.summary.problem).toBe('VPN drops every 10 minutes for remote staff');
    expect(model.summary.data.value?.tier).toBe('fast');
  });

  it('drops a late summary for a ticket the engineer has left, and refresh asks again', async () => {
    const { model, pending } = background();
    await model.refreshAccount();
    await model.setTicket(ticket('100'));
    await model.setTicket(ticket('200'));
    pending[0]!.release({ ok: true, data: summaryOf('Old ticket') });
    await tick();
    expect(model.summary.data.value).toBeNull();
    pending[1]!.release({ ok: true, data: summaryOf('New ticket') });
    await tick();
    expect(model.summary.data.value?.summary.problem).toBe('New ticket');
    void model.loadSummary();
    await tick();
    expect(pending.map((p) => p.sessionId)).toEqual(['s-100', 's-200', 's-200']);
    pending[2]!.release({ ok: false, error: { status: 502, code: 'psa_unavailable', message: 'ConnectWise did not answer' } });
    await tick();
    expect(model.summary.error.value).toBe('ConnectWise did not answer');
  });
});
