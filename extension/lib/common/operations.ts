// Every API call the extension makes, by name: how to build the request, and (as a phantom) what it returns.
// Results are the API's own response types (api-types.ts derives them from the Hono app by path and method).
import type { NoteFormat } from '../../../shared/notes';
import type {
  BillableOption,
  CloseOutRequest,
  EscalationRequest,
  FixDecision,
  FlowKind,
  GeneratedFlowResult,
  PsaConnectionInput,
  Req,
  Res,
  SettingsPatch,
  TicketRef,
} from './api-types';
import type { QueueKind } from './queue-kinds';
import type { SessionStatus } from '../../../shared/sessions';
import type { FlowDraft, LibraryFlowList, LibraryFlowResponse, ProposalApproval, ProposalDismissal, ProposalList } from '../../workspace/api-types';

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  body?: unknown;
  /**
   * Queued writes go through the offline queue: kept in storage, sent with an Idempotency-Key and
   * replayed in order when the API is unreachable. Reads and settings are never queued.
   */
  queue?: { kind: QueueKind; sessionId?: string };
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
/** What the session history searches by; dates are YYYY-MM-DD (UTC days, both ends included). */
export interface SessionSearch {
  q?: string;
  status?: SessionStatus[];
  engineer?: string;
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
}
/** A maintenance step's result on one target (server, workstation). */
export type TargetResult = { name: string; result: 'done' | 'failed' | 'skipped'; note?: string };

export const OPERATIONS = {
  me: op<void, Res<'/v1/me', '$get'>>(() => ({ method: 'GET', path: '/v1/me' })),
  searchFlows: op<{ q?: string; kind?: FlowKind }, Res<'/v1/flows', '$get'>>((a) => ({
    method: 'GET',
    path: `/v1/flows${query({ q: a.q, kind: a.kind })}`,
  })),
  findSessions: op<{ ticket: string; status?: string }, Res<'/v1/sessions', '$get'>>((a) => ({
    method: 'GET',
    path: `/v1/sessions${query({ ticket: a.ticket, status: a.status })}`,
  })),
  startSession: op<{ ticket: TicketRef; flowId?: string | null }, Res<'/v1/sessions', '$post'>>((a) => ({
    method: 'POST',
    path: '/v1/sessions',
    body: { ticket: a.ticket, ...(a.flowId ? { flowId: a.flowId } : {}) },
  })),
  /** Puts a flow on an open session (or takes it off with null); the walk restarts at the flow's first step. */
  chooseFlow: op<Sid & { flowId: string | null }, Res<'/v1/sessions/:id', '$patch'>>(({ sessionId, flowId }) => ({
    method: 'PATCH',
    path: `/v1/sessions/${enc(sessionId)}`,
    body: { flowId },
    queue: { kind: flowId ? 'chooseFlow' : 'removeFlow', sessionId },
  })),
  /** Gives the open session ticket fields the page shows now and the session lacks (the API fills blanks only). */
  fillTicket: op<Sid & { ticket: Omit<TicketRef, 'psa' | 'externalId'> }, Res<'/v1/sessions/:id', '$patch'>>(({ sessionId, ticket }) => ({
    method: 'PATCH',
    path: `/v1/sessions/${enc(sessionId)}`,
    body: { ticket },
  })),
  getSession: op<Sid, Res<'/v1/sessions/:id', '$get'>>((a) => ({ method: 'GET', path: `/v1/sessions/${enc(a.sessionId)}` })),
  recordStep: op<Sid & { nodeId: string; optionId?: string; note?: string; targets?: TargetResult[] }, Res<'/v1/sessions/:id/steps', '$post'>>(({ sessionId, ...body }) => ({
    method: 'POST',
    path: `/v1/sessions/${enc(sessionId)}/steps`,
    body,
    queue: { kind: 'recordStep', sessionId },
  })),
  addEvent: op<Sid & { kind: 'note' | 'command' | 'observation'; text: string }, Res<'/v1/sessions/:id/events', '$post'>>(({ sessionId, ...body }) => ({
    method: 'POST',
    path: `/v1/sessions/${enc(sessionId)}/events`,
    body,
    queue: { kind: body.kind === 'command' ? 'addCommand' : 'addNote', sessionId },
  })),
  addFact: op<Sid & { text: string; sourceRef?: string | null; origin?: 'user' | 'copilot' }, Res<'/v1/sessions/:id/facts', '$post'>>(({ sessionId, ...body }) => ({
    method: 'POST',
    path: `/v1/sessions/${enc(sessionId)}/facts`,
    body,
    queue: { kind: 'addFact', sessionId },
  })),
  editFact: op<Sid & { factId: string; text: string }, Res<'/v1/sessions/:id/facts/:factId', '$patch'>>(({ sessionId, factId, text }) => ({
    method: 'PATCH',
    path: `/v1/sessions/${enc(sessionId)}/facts/${enc(factId)}`,
    body: { text },
    queue: { kind: 'editFact', sessionId },
  })),
  removeFact: op<Sid & { factId: string }, Res<'/v1/sessions/:id/facts/:factId', '$delete'>>(({ sessionId, factId }) => ({
    method: 'DELETE',
    path: `/v1/sessions/${enc(sessionId)}/facts/${enc(factId)}`,
    queue: { kind: 'removeFact', sessionId },
  })),
  decideFix: op<Sid & { fixId: string; action: 'accept' | 'reject' }, Res<'/v1/sessions/:id/fixes/:fixId/:action{accept|reject}', '$post'>>(({ sessionId, fixId, action }) => ({
    method: 'POST',
    path: `/v1/sessions/${enc(sessionId)}/fixes/${enc(fixId)}/${action}`,
    queue: { kind: action === 'accept' ? 'acceptFix' : 'rejectFix', sessionId },
  })),
  proposeFix: op<Sid & { title: string; body?: string; confidence?: number; origin?: 'user' | 'copilot' }, Res<'/v1/sessions/:id/fixes', '$post'>>(
    ({ sessionId, ...body }) => ({ method: 'POST', path: `/v1/sessions/${enc(sessionId)}/fixes`, body, queue: { kind: 'proposeFix', sessionId } }),
  ),
  resolutionNote: op<Sid & { format: NoteFormat }, Res<'/v1/sessions/:id/resolution-note', '$get'>>((a) => ({
    method: 'GET',
    path: `/v1/sessions/${enc(a.sessionId)}/resolution-note${query({ format: a.format })}`,
  })),
  /** Un-hides one redacted spot in this session's note only (a false positive); answered now, never queued. */
  unhideRedaction: op<Sid & { spotId: string }, Res<'/v1/sessions/:id/resolution-note/redactions/:spotId/unhide', '$post'>>(({ sessionId, spotId }) => ({
    method: 'POST',
    path: `/v1/sessions/${enc(sessionId)}/resolution-note/redactions/${enc(spotId)}/unhide`,
  })),
  postResolutionNote: op<Sid & { internal: boolean; resolution: boolean; text?: string; status?: string }, Res<'/v1/sessions/:id/resolution-note/post', '$post'>>(
    ({ sessionId, ...body }) => ({
      method: 'POST',
      path: `/v1/sessions/${enc(sessionId)}/resolution-note/post`,
      body,
      queue: { kind: 'postNote', sessionId },
    }),
  ),
  /**
   * Logs the session's time to its ConnectWise ticket (exactly once per session, enforced by the API).
   * Never queued: the engineer needs ConnectWise's answer (the entry number, or why it was refused).
   */
  logTime: op<Sid & { minutes?: number; billable?: BillableOption; notes?: string; addToResolution?: boolean }, Res<'/v1/sessions/:id/time-entry', '$post'>>(
    ({ sessionId, ...body }) => ({
      method: 'POST',
      path: `/v1/sessions/${enc(sessionId)}/time-entry`,
      body,
    }),
  ),
  escalate: op<Sid & { reason: string }, Res<'/v1/sessions/:id/escalate', '$post'>>(({ sessionId, reason }) => ({
    method: 'POST',
    path: `/v1/sessions/${enc(sessionId)}/escalate`,
    body: { reason },
    queue: { kind: 'escalate', sessionId },
  })),
  postEscalation: op<Sid & { text?: string }, Res<'/v1/sessions/:id/escalation/post', '$post'>>(({ sessionId, ...body }) => ({
    method: 'POST',
    path: `/v1/sessions/${enc(sessionId)}/escalation/post`,
    body,
    queue: { kind: 'postEscalation', sessionId },
  })),
  resolve: op<Sid, Res<'/v1/sessions/:id/resolve', '$post'>>(({ sessionId }) => ({
    method: 'POST',
    path: `/v1/sessions/${enc(sessionId)}/resolve`,
    body: {},
    queue: { kind: 'resolve', sessionId },
  })),
  /** Resolved sessions of similar tickets, each with the fix that worked (loaded after the session shows). */
  similarSessions: op<Sid, Res<'/v1/sessions/:id/similar', '$get'>>((a) => ({ method: 'GET', path: `/v1/sessions/${enc(a.sessionId)}/similar` })),
  companyHistory: op<Sid, Res<'/v1/sessions/:id/company-history', '$get'>>((a) => ({ method: 'GET', path: `/v1/sessions/${enc(a.sessionId)}/company-history` })),
  /** A past session's accepted fix proposed as this session's fix; answered now (the engineer then accepts it). */
  proposeFixFrom: op<Sid & { fromSessionId: string }, Res<'/v1/sessions/:id/fixes/from-session', '$post'>>(({ sessionId, fromSessionId }) => ({
    method: 'POST',
    path: `/v1/sessions/${enc(sessionId)}/fixes/from-session`,
    body: { sessionId: fromSessionId },
  })),
  editEvent: op<Sid & { itemId: string; text: string }, Res<'/v1/sessions/:id/events/:itemId', '$patch'>>(({ sessionId, itemId, text }) => ({
    method: 'PATCH',
    path: `/v1/sessions/${enc(sessionId)}/events/${enc(itemId)}`,
    body: { text },
  })),
  removeEvent: op<Sid & { itemId: string }, Res<'/v1/sessions/:id/events/:itemId', '$delete'>>(({ sessionId, itemId }) => ({
    method: 'DELETE',
    path: `/v1/sessions/${enc(sessionId)}/events/${enc(itemId)}`,
  })),
  /** A maintenance run's step × target grid. */
  sessionTargets: op<Sid, Res<'/v1/sessions/:id/targets', '$get'>>((a) => ({ method: 'GET', path: `/v1/sessions/${enc(a.sessionId)}/targets` })),
  // Close-out, fix decisions, escalation with a preview and share links (issue #13). Close-out and escalation
  // send are never queued: the engineer needs each step's answer, and calling again retries only what failed.
  boardStatuses: op<Sid & { refresh?: boolean }, Res<'/v1/sessions/:id/board-statuses', '$get'>>((a) => ({
    method: 'GET',
    path: `/v1/sessions/${enc(a.sessionId)}/board-statuses${query({ refresh: a.refresh ? '1' : undefined })}`,
  })),
  setRootCause: op<Sid & { rootCause: string | null }, Res<'/v1/sessions/:id', '$patch'>>(({ sessionId, rootCause }) => ({
    method: 'PATCH',
    path: `/v1/sessions/${enc(sessionId)}`,
    body: { rootCause },
  })),
  closeOut: op<Sid & CloseOutRequest, Res<'/v1/sessions/:id/close-out', '$post'>>(({ sessionId, ...body }) => ({
    method: 'POST',
    path: `/v1/sessions/${enc(sessionId)}/close-out`,
    body,
  })),
  fixDecision: op<Sid & { fixId: string; decision: FixDecision }, Res<'/v1/sessions/:id/fixes/:fixId/decision', '$post'>>(({ sessionId, fixId, decision }) => ({
    method: 'POST',
    path: `/v1/sessions/${enc(sessionId)}/fixes/${enc(fixId)}/decision`,
    body: { decision },
    queue: { kind: decision === 'dismissed' ? 'rejectFix' : 'acceptFix', sessionId },
  })),
  draftCount: op<void, Res<'/v1/draft-templates/count', '$get'>>(() => ({ method: 'GET', path: '/v1/draft-templates/count' })),
  escalationPreview: op<Sid & { reason: string }, Res<'/v1/sessions/:id/escalation/preview', '$post'>>(({ sessionId, reason }) => ({
    method: 'POST',
    path: `/v1/sessions/${enc(sessionId)}/escalation/preview`,
    body: { reason },
  })),
  escalationSend: op<Sid & EscalationRequest, Res<'/v1/sessions/:id/escalation/send', '$post'>>(({ sessionId, ...body }) => ({
    method: 'POST',
    path: `/v1/sessions/${enc(sessionId)}/escalation/send`,
    body,
  })),
  createShare: op<Sid, Res<'/v1/sessions/:id/share', '$post'>>(({ sessionId }) => ({ method: 'POST', path: `/v1/sessions/${enc(sessionId)}/share`, body: {} })),
  listShares: op<Sid, Res<'/v1/sessions/:id/shares', '$get'>>(({ sessionId }) => ({ method: 'GET', path: `/v1/sessions/${enc(sessionId)}/shares` })),
  revokeShare: op<Sid & { shareId: string }, Res<'/v1/sessions/:id/shares/:shareId', '$delete'>>(({ sessionId, shareId }) => ({
    method: 'DELETE',
    path: `/v1/sessions/${enc(sessionId)}/shares/${enc(shareId)}`,
  })),
  getSettings: op<void, Res<'/v1/settings', '$get'>>(() => ({ method: 'GET', path: '/v1/settings' })),
  putSettings: op<SettingsPatch, Res<'/v1/settings', '$put'>>((body) => ({ method: 'PUT', path: '/v1/settings', body })),
  getPsa: op<void, Res<'/v1/settings/psa', '$get'>>(() => ({ method: 'GET', path: '/v1/settings/psa' })),
  putPsa: op<PsaConnectionInput, Res<'/v1/settings/psa', '$put'>>((body) => ({
    method: 'PUT',
    path: '/v1/settings/psa',
    body,
  })),
  testPsa: op<void, Res<'/v1/settings/psa/test', '$post'>>(() => ({ method: 'POST', path: '/v1/settings/psa/test', body: {} })),
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
  /** A dismissal may say why (the flywheel's owners read it); an approval carries nothing. */
  decideProposal: op<{ proposalId: string; action: 'approve' | 'dismiss'; reason?: string }, ProposalApproval | ProposalDismissal>((a) => ({
    method: 'POST',
    path: `/v1/flow-proposals/${enc(a.proposalId)}/${a.action}`,
    body: a.action === 'dismiss' && a.reason ? { reason: a.reason } : {},
  })),
  /** The account's session history, searched and paged by the API (`cursor` from the previous page's nextCursor). */
  sessionHistory: op<SessionSearch, Res<'/v1/session-history', '$get'>>((a) => ({
    method: 'GET',
    path: `/v1/session-history${query({ ...a, status: a.status?.join(',') })}`,
  })),
  askHistory: op<Sid, Res<'/v1/sessions/:id/ask', '$get'>>((a) => ({ method: 'GET', path: `/v1/sessions/${enc(a.sessionId)}/ask` })),
  feedback: op<Sid & { target: 'suggestion' | 'answer' | 'fix'; targetId?: string; rating: 'up' | 'down' }, Res<'/v1/sessions/:id/feedback', '$post'>>(
    ({ sessionId, ...body }) => ({ method: 'POST', path: `/v1/sessions/${enc(sessionId)}/feedback`, body }),
  ),
  ticketSummary: op<Sid, Res<'/v1/sessions/:id/summary', '$get'>>((a) => ({ method: 'GET', path: `/v1/sessions/${enc(a.sessionId)}/summary` })),
  draftCustomerReply: op<Sid, Res<'/v1/sessions/:id/customer-reply', '$post'>>((a) => ({ method: 'POST', path: `/v1/sessions/${enc(a.sessionId)}/customer-reply`, body: {} })),
  postCustomerReply: op<Sid & { text: string; emailCustomer: boolean }, Res<'/v1/sessions/:id/customer-reply/post', '$post'>>(({ sessionId, ...body }) => ({
    method: 'POST',
    path: `/v1/sessions/${enc(sessionId)}/customer-reply/post`,
    body,
  })),
  outboundPreview: op<Sid & { purpose: 'suggest' | 'summary' | 'reply' | 'briefing' | 'embed' | 'ask'; question?: string }, Res<'/v1/sessions/:id/outbound-preview', '$get'>>((a) => ({
    method: 'GET',
    path: `/v1/sessions/${enc(a.sessionId)}/outbound-preview${query({ purpose: a.purpose, question: a.question })}`,
  })),
  clientMemory: op<{ company: string }, Res<'/v1/client-memory', '$get'>>((a) => ({ method: 'GET', path: `/v1/client-memory${query({ company: a.company })}` })),
  confirmMemory: op<{ memoryId: string }, Res<'/v1/client-memory/:id/confirm', '$post'>>((a) => ({ method: 'POST', path: `/v1/client-memory/${enc(a.memoryId)}/confirm`, body: {} })),
  editMemory: op<{ memoryId: string; text: string }, Res<'/v1/client-memory/:id', '$patch'>>((a) => ({ method: 'PATCH', path: `/v1/client-memory/${enc(a.memoryId)}`, body: { text: a.text } })),
  deleteMemory: op<{ memoryId: string }, Res<'/v1/client-memory/:id', '$delete'>>((a) => ({ method: 'DELETE', path: `/v1/client-memory/${enc(a.memoryId)}` })),
  // The workspace's Team and Usage sections (extension pages only; managing is for team admins, the API enforces it).
  team: op<void, Res<'/v1/team', '$get'>>(() => ({ method: 'GET', path: '/v1/team' })),
  /** The account's first password is given by the admin who adds the user (the API has no invitation mail). */
  createUser: op<Req<'/v1/users', '$post'>, Res<'/v1/users', '$post'>>((body) => ({ method: 'POST', path: '/v1/users', body })),
  updateUser: op<{ userId: string } & Req<'/v1/users/:id', '$patch'>, Res<'/v1/users/:id', '$patch'>>(({ userId, ...body }) => ({
    method: 'PATCH',
    path: `/v1/users/${enc(userId)}`,
    body,
  })),
  psaMembers: op<void, Res<'/v1/settings/psa/members', '$get'>>(() => ({ method: 'GET', path: '/v1/settings/psa/members' })),
  mapMembers: op<Req<'/v1/settings/psa/members', '$put'>, Res<'/v1/settings/psa/members', '$put'>>((body) => ({
    method: 'PUT',
    path: '/v1/settings/psa/members',
    body,
  })),
  testRedaction: op<Req<'/v1/settings/redaction/test', '$post'>, Res<'/v1/settings/redaction/test', '$post'>>((body) => ({
    method: 'POST',
    path: '/v1/settings/redaction/test',
    body,
  })),
  usageReport: op<void, Res<'/v1/reports/usage', '$get'>>(() => ({ method: 'GET', path: '/v1/reports/usage' })),
  engineerReport: op<void, Res<'/v1/reports/engineers', '$get'>>(() => ({ method: 'GET', path: '/v1/reports/engineers' })),
  documentationReport: op<void, Res<'/v1/reports/documentation-time', '$get'>>(() => ({ method: 'GET', path: '/v1/reports/documentation-time' })),
  // The workspace's Scripts section.
  scriptTemplates: op<void, Res<'/v1/script-templates', '$get'>>(() => ({ method: 'GET', path: '/v1/script-templates' })),
  draftTemplates: op<void, Res<'/v1/draft-templates', '$get'>>(() => ({ method: 'GET', path: '/v1/draft-templates?status=pending' })),
  /** Approves a draft into the library, with the reviewer's edits. */
  approveDraft: op<{ draftId: string } & Req<'/v1/draft-templates/:id/approve', '$post'>, Res<'/v1/draft-templates/:id/approve', '$post'>>(({ draftId, ...body }) => ({
    method: 'POST',
    path: `/v1/draft-templates/${enc(draftId)}/approve`,
    body,
  })),
  dismissDraft: op<{ draftId: string }, Res<'/v1/draft-templates/:id/dismiss', '$post'>>((a) => ({
    method: 'POST',
    path: `/v1/draft-templates/${enc(a.draftId)}/dismiss`,
    body: {},
  })),
  /** Counts a use of a template (a copy from the library). */
  useTemplate: op<{ templateId: string }, Res<'/v1/script-templates/:id/use', '$post'>>((a) => ({
    method: 'POST',
    path: `/v1/script-templates/${enc(a.templateId)}/use`,
    body: {},
  })),
  // The workspace's maintenance schedules.
  schedules: op<void, Res<'/v1/maintenance-schedules', '$get'>>(() => ({ method: 'GET', path: '/v1/maintenance-schedules' })),
  createSchedule: op<Req<'/v1/maintenance-schedules', '$post'>, Res<'/v1/maintenance-schedules', '$post'>>((body) => ({
    method: 'POST',
    path: '/v1/maintenance-schedules',
    body,
  })),
  scheduleRuns: op<{ scheduleId: string; targetId?: string }, Res<'/v1/maintenance-schedules/:id/runs', '$get'>>((a) => ({
    method: 'GET',
    path: `/v1/maintenance-schedules/${enc(a.scheduleId)}/runs${query({ targetId: a.targetId })}`,
  })),
  /** A session read-only, with its note and its share links (the history's view). */
  sessionHistoryView: op<Sid, Res<'/v1/session-history/:id', '$get'>>((a) => ({ method: 'GET', path: `/v1/session-history/${enc(a.sessionId)}` })),
  // The workspace's step library (reusable nodes with ratings) and the AI flow builder.
  steps: op<{ q?: string }, Res<'/v1/step-library', '$get'>>((a) => ({ method: 'GET', path: `/v1/step-library${query({ q: a.q, limit: 200 })}` })),
  getStep: op<{ stepId: string }, Res<'/v1/step-library/:id', '$get'>>((a) => ({ method: 'GET', path: `/v1/step-library/${enc(a.stepId)}` })),
  createStep: op<Req<'/v1/step-library', '$post'>, Res<'/v1/step-library', '$post'>>((body) => ({ method: 'POST', path: '/v1/step-library', body })),
  rateStep: op<{ stepId: string; rating: number; review?: string | null }, Res<'/v1/step-library/:id/rating', '$put'>>(({ stepId, ...body }) => ({
    method: 'PUT',
    path: `/v1/step-library/${enc(stepId)}/rating`,
    body,
  })),
  /** The step as a node ready to insert (fresh id, options unconnected); counts the use. */
  useStep: op<{ stepId: string }, Res<'/v1/step-library/:id/use', '$post'>>((a) => ({ method: 'POST', path: `/v1/step-library/${enc(a.stepId)}/use`, body: {} })),
  generateFlow: op<{ prompt: string; kind?: FlowKind }, GeneratedFlowResult>((body) => ({ method: 'POST', path: '/v1/flows/generate', body })),
  // The escalation's board picker: the account's active ConnectWise boards and a chosen board's statuses (cached by the API).
  psaBoards: op<void, Res<'/v1/psa/boards', '$get'>>(() => ({ method: 'GET', path: '/v1/psa/boards' })),
  psaBoardStatuses: op<{ boardId: number }, Res<'/v1/psa/boards/:boardId/statuses', '$get'>>((a) => ({ method: 'GET', path: `/v1/psa/boards/${a.boardId}/statuses` })),
  // The standalone assistant's conversations (its questions stream over ASSISTANT_PORT, see protocol.ts).
  assistantConversations: op<void, Res<'/v1/assistant/conversations', '$get'>>(() => ({ method: 'GET', path: '/v1/assistant/conversations' })),
  assistantConversation: op<{ conversationId: string }, Res<'/v1/assistant/conversations/:id', '$get'>>((a) => ({
    method: 'GET',
    path: `/v1/assistant/conversations/${enc(a.conversationId)}`,
  })),
  /** The briefing for the next tier: the model's is stored and goes with the escalation package; offline, the template. */
  escalationBriefing: op<Sid, Res<'/v1/sessions/:id/escalation-briefing', '$post'>>((a) => ({
    method: 'POST',
    path: `/v1/sessions/${enc(a.sessionId)}/escalation-briefing`,
    body: {},
  })),
  /** Client memory proposed from a resolved session (its provenance), to be confirmed by an engineer. */
  proposeMemory: op<Sid, Res<'/v1/client-memory/proposals', '$post'>>(({ sessionId }) => ({ method: 'POST', path: '/v1/client-memory/proposals', body: { sessionId } })),
} satisfies Record<string, Op<never, unknown>>;

export type OperationName = keyof typeof OPERATIONS;
export type OpArgs<K extends OperationName> = (typeof OPERATIONS)[K] extends Op<infer A, unknown> ? A : never;
export type OpResult<K extends OperationName> = (typeof OPERATIONS)[K] extends Op<never, infer R> ? R : never;

