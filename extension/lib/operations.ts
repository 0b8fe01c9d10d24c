// Every API call the extension makes, by name: how to build the request, and (as a phantom) what it returns.
import type {
  BillableOption,
  Fact,
  FlowKind,
  FlowSummary,
  NoteFormat,
  PsaConnectionView,
  RedactionSpot,
  SessionDetail,
  SessionStatus,
  SessionSummary,
  Settings,
  SuggestedFix,
  TicketRef,
  TimeEntryResponse,
  User,
} from './api-types';
import type { FlowDraft, LibraryFlowList, LibraryFlowResponse, ProposalApproval, ProposalDismissal, ProposalList, SessionList } from '../workspace/api-types';

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  body?: unknown;
  /**
   * Queued writes go through the offline queue: kept in storage, sent with an Idempotency-Key and
   * replayed in order when the API is unreachable. Reads and settings are never queued.
   */
  queue?: { label: string; sessionId?: string };
  /** Response body is plain text (note previews in text/html format). */
  text?: boolean;
}

/** An operation: `build` turns arguments into a request; `R` only carries the result type. */
export interface Op<A, R> {
  build: (args: A) => RequestSpec;
  /** Phantom, never set: lets callers infer the result type. */
  readonly result?: R;
}
const op = <A, R>(build: (args: A) => RequestSpec): Op<A, R> => ({ build });

const enc = encodeURIComponent;
function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

type Sid = { sessionId: string };

export const OPERATIONS = {
  me: op<void, { user: User }>(() => ({ method: 'GET', path: '/v1/me' })),
  searchFlows: op<{ q?: string; kind?: FlowKind }, { flows: FlowSummary[] }>((a) => ({
    method: 'GET',
    path: `/v1/flows${query({ q: a.q, kind: a.kind })}`,
  })),
  findSessions: op<{ ticket: string; status?: string }, { sessions: SessionSummary[] }>((a) => ({
    method: 'GET',
    path: `/v1/sessions${query({ ticket: a.ticket, status: a.status })}`,
  })),
  startSession: op<{ ticket: TicketRef; flowId?: string | null }, { session: SessionDetail }>((a) => ({
    method: 'POST',
    path: '/v1/sessions',
    body: { ticket: a.ticket, ...(a.flowId ? { flowId: a.flowId } : {}) },
  })),
  /** Puts a flow on an open session (or takes it off with null); the walk restarts at the flow's first step. */
  chooseFlow: op<Sid & { flowId: string | null }, { session: SessionDetail }>(({ sessionId, flowId }) => ({
    method: 'PATCH',
    path: `/v1/sessions/${enc(sessionId)}`,
    body: { flowId },
    queue: { label: flowId ? 'Choose flow' : 'Remove flow', sessionId },
  })),
  getSession: op<Sid, { session: SessionDetail }>((a) => ({ method: 'GET', path: `/v1/sessions/${enc(a.sessionId)}` })),
  recordStep: op<Sid & { nodeId: string; optionId?: string; note?: string }, { session: SessionDetail }>(({ sessionId, ...body }) => ({
    method: 'POST',
    path: `/v1/sessions/${enc(sessionId)}/steps`,
    body,
    queue: { label: 'Record step', sessionId },
  })),
  addEvent: op<Sid & { kind: 'note' | 'command' | 'observation'; text: string }, unknown>(({ sessionId, ...body }) => ({
    method: 'POST',
    path: `/v1/sessions/${enc(sessionId)}/events`,
    body,
    queue: { label: body.kind === 'command' ? 'Add command' : 'Add note', sessionId },
  })),
  addFact: op<Sid & { text: string; sourceRef?: string | null; origin?: 'user' | 'copilot' }, { fact: Fact }>(({ sessionId, ...body }) => ({
    method: 'POST',
    path: `/v1/sessions/${enc(sessionId)}/facts`,
    body,
    queue: { label: 'Add fact', sessionId },
  })),
  editFact: op<Sid & { factId: string; text: string }, { fact: Fact }>(({ sessionId, factId, text }) => ({
    method: 'PATCH',
    path: `/v1/sessions/${enc(sessionId)}/facts/${enc(factId)}`,
    body: { text },
    queue: { label: 'Edit fact', sessionId },
  })),
  removeFact: op<Sid & { factId: string }, unknown>(({ sessionId, factId }) => ({
    method: 'DELETE',
    path: `/v1/sessions/${enc(sessionId)}/facts/${enc(factId)}`,
    queue: { label: 'Remove fact', sessionId },
  })),
  decideFix: op<Sid & { fixId: string; action: 'accept' | 'reject' }, { fix: SuggestedFix }>(({ sessionId, fixId, action }) => ({
    method: 'POST',
    path: `/v1/sessions/${enc(sessionId)}/fixes/${enc(fixId)}/${action}`,
    queue: { label: action === 'accept' ? 'Accept fix' : 'Reject fix', sessionId },
  })),
  proposeFix: op<Sid & { title: string; body?: string; confidence?: number; origin?: 'user' | 'copilot' }, { fix: SuggestedFix }>(
    ({ sessionId, ...body }) => ({ method: 'POST', path: `/v1/sessions/${enc(sessionId)}/fixes`, body, queue: { label: 'Propose fix', sessionId } }),
  ),
  resolutionNote: op<Sid & { format: NoteFormat }, unknown>((a) => ({
    method: 'GET',
    path: `/v1/sessions/${enc(a.sessionId)}/resolution-note${query({ format: a.format })}`,
  })),
  /** Un-hides one redacted spot in this session's note only (a false positive); answered now, never queued. */
  unhideRedaction: op<Sid & { spotId: string }, { spot: RedactionSpot; stateVersion: number }>(({ sessionId, spotId }) => ({
    method: 'POST',
    path: `/v1/sessions/${enc(sessionId)}/resolution-note/redactions/${enc(spotId)}/unhide`,
  })),
  postResolutionNote: op<Sid & { internal: boolean; resolution: boolean; text?: string; status?: string }, unknown>(
    ({ sessionId, ...body }) => ({
      method: 'POST',
      path: `/v1/sessions/${enc(sessionId)}/resolution-note/post`,
      body,
      queue: { label: 'Post note to ticket', sessionId },
    }),
  ),
  /**
   * Logs the session's time to its ConnectWise ticket (exactly once per session, enforced by the API).
   * Never queued: the engineer needs ConnectWise's answer (the entry number, or why it was refused).
   */
  logTime: op<Sid & { minutes?: number; billable?: BillableOption; notes?: string; addToResolution?: boolean }, TimeEntryResponse>(
    ({ sessionId, ...body }) => ({
      method: 'POST',
      path: `/v1/sessions/${enc(sessionId)}/time-entry`,
      body,
    }),
  ),
  escalate: op<Sid & { reason: string }, unknown>(({ sessionId, reason }) => ({
    method: 'POST',
    path: `/v1/sessions/${enc(sessionId)}/escalate`,
    body: { reason },
    queue: { label: 'Escalate', sessionId },
  })),
  postEscalation: op<Sid & { text?: string }, unknown>(({ sessionId, ...body }) => ({
    method: 'POST',
    path: `/v1/sessions/${enc(sessionId)}/escalation/post`,
    body,
    queue: { label: 'Post escalation to ticket', sessionId },
  })),
  resolve: op<Sid, unknown>(({ sessionId }) => ({
    method: 'POST',
    path: `/v1/sessions/${enc(sessionId)}/resolve`,
    body: {},
    queue: { label: 'Resolve', sessionId },
  })),
  getSettings: op<void, { settings: Settings }>(() => ({ method: 'GET', path: '/v1/settings' })),
  putSettings: op<Settings, { settings: Settings }>((body) => ({ method: 'PUT', path: '/v1/settings', body })),
  getPsa: op<void, { connection: PsaConnectionView | null } & Record<string, unknown>>(() => ({ method: 'GET', path: '/v1/settings/psa' })),
  putPsa: op<{ site: string; companyId: string; publicKey: string; privateKey?: string; clientId: string }, unknown>((body) => ({
    method: 'PUT',
    path: '/v1/settings/psa',
    body,
  })),
  testPsa: op<void, Record<string, unknown>>(() => ({ method: 'POST', path: '/v1/settings/psa/test', body: {} })),
  // The workspace page's library (extension pages only; see OPERATION_SENDERS).
  libraryFlows: op<{ q?: string; kind?: FlowKind; tag?: string; category?: string }, LibraryFlowList>((a) => ({
    method: 'GET',
    path: `/v1/flows${query({ q: a.q, kind: a.kind, tag: a.tag, category: a.category, limit: 200 })}`,
  })),
  getFlow: op<{ flowId: string }, LibraryFlowResponse>((a) => ({ method: 'GET', path: `/v1/flows/${enc(a.flowId)}` })),
  createFlow: op<FlowDraft, LibraryFlowResponse>((body) => ({ method: 'POST', path: '/v1/flows', body })),
  /** `version` is the one the edit was made on: a flow changed meanwhile answers 409 rather than being overwritten. */
  updateFlow: op<{ flowId: string; version: number } & Partial<FlowDraft>, LibraryFlowResponse>(({ flowId, ...body }) => ({
    method: 'PUT',
    path: `/v1/flows/${enc(flowId)}`,
    body,
  })),
  /** Archiving takes the flow out of the library (the API keeps the row: sessions on it still show their steps). */
  archiveFlow: op<{ flowId: string }, unknown>((a) => ({ method: 'DELETE', path: `/v1/flows/${enc(a.flowId)}` })),
  flowProposals: op<{ status: 'pending' | 'approved' | 'dismissed' }, ProposalList>((a) => ({
    method: 'GET',
    path: `/v1/flow-proposals${query({ status: a.status })}`,
  })),
  decideProposal: op<{ proposalId: string; action: 'approve' | 'dismiss' }, ProposalApproval | ProposalDismissal>((a) => ({
    method: 'POST',
    path: `/v1/flow-proposals/${enc(a.proposalId)}/${a.action}`,
    body: {},
  })),
  sessionHistory: op<{ status?: SessionStatus; ticket?: string }, SessionList>((a) => ({
    method: 'GET',
    path: `/v1/sessions${query({ status: a.status, ticket: a.ticket, limit: 200 })}`,
  })),
} satisfies Record<string, Op<never, unknown>>;

export type OperationName = keyof typeof OPERATIONS;
export type OpArgs<K extends OperationName> = (typeof OPERATIONS)[K] extends Op<infer A, unknown> ? A : never;
export type OpResult<K extends OperationName> = (typeof OPERATIONS)[K] extends Op<never, infer R> ? R : never;

