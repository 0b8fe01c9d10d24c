// The background's check of every message payload: the shapes operations.ts builds requests from, and the others.
// zod/mini: the same checks as `zod`, tree-shaken (it halves the background bundle classic zod made).
import { z } from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import type { OperationName, OpArgs } from '../common/operations';
import type { SignInRequest } from '../common/protocol';
import { NOTE_FORMATS } from '../../../shared/notes';
import { SESSION_STATUSES } from '../../../shared/sessions';
import { MAX_MINUTES } from '../../../shared/time';

/*
 * These run in the background only (the content script bundle stays small). They are the extension's side of
 * the API's own validation: strict enough that no payload can bend a request path (every id is a GUID, every
 * path word an enum) or carry unknown keys; the API still applies its finer rules (trimming, min lengths).
 */
const id = z.guid();
const text = (max: number) => z.string().check(z.maxLength(max));
const isoDay = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'));
const ticketNumber = z.string().check(z.regex(/^\d{1,12}$/, 'must be a ConnectWise ticket number'));
const optionalText = (max: number) => z.nullish(text(max));
const noArgs = z.undefined();
const sid = { sessionId: id };
/** A timeline entry's id as the API mints it (lane.ts). */
const laneItemId = z.string().check(z.regex(/^li_[0-9a-f]{12}$/, 'must be a timeline entry id'));
/** Where a note shows on the ticket (ConnectWise's three flags). */
const noteFlags = z.partial(z.strictObject({ internal: z.boolean(), discussion: z.boolean(), resolution: z.boolean() }));
/** A ConnectWise record id (status, board). */
const statusId = z.int().check(z.gte(1));

const ticketRef = z.strictObject({
  psa: z.literal('connectwise'),
  externalId: ticketNumber,
  summary: optionalText(500),
  company: optionalText(300),
  contact: optionalText(300),
  board: optionalText(300),
  status: optionalText(200),
  priority: optionalText(200),
  description: optionalText(20_000),
  url: optionalText(2000),
});

const settingsPatch = z.strictObject({
  noteFormat: z.optional(z.enum(NOTE_FORMATS)),
  noteDefaults: z.optional(z.partial(z.strictObject({ internal: z.boolean(), resolution: z.boolean(), processNotifications: z.boolean() }))),
  redaction: z.optional(
    z.partial(z.strictObject({ patterns: z.array(text(500)).check(z.maxLength(50)), words: z.array(text(200)).check(z.maxLength(200)) })),
  ),
  ai: z.optional(z.partial(z.strictObject({ fastModel: text(100), deepModel: text(100) }))),
  /** An IANA zone name (the API checks it against its tz database), or null: the ConnectWise server's zone. */
  timeZone: z.optional(z.nullable(text(64))),
});

const role = z.enum(['super_admin', 'team_admin', 'engineer', 'viewer']);
const flowKind = z.enum(['troubleshooting', 'procedural', 'maintenance']);
const graphId = z.string().check(z.maxLength(80));
/** A flow's graph in the API's stored shape; the API applies the graph rules (reachability, answers, order). */
const flowGraph = z.strictObject({
  start: graphId,
  nodes: z
    .array(
      z.strictObject({
        id: graphId,
        kind: z.enum(['question', 'action', 'check', 'solution', 'escalate', 'info']),
        title: text(300),
        body: z.optional(text(10_000)),
        command: z.optional(text(10_000)),
        options: z.array(z.strictObject({ id: graphId, label: text(200), next: z.nullish(graphId) })).check(z.maxLength(20)),
      }),
    )
    .check(z.maxLength(300)),
});
const flowDraft = {
  kind: flowKind,
  title: text(200),
  description: z.optional(text(5000)),
  category: z.nullish(text(100)),
  tags: z.optional(z.array(text(60)).check(z.maxLength(30))),
  graph: flowGraph,
};

/** One schema per operation; `satisfies` keeps them in step with operations.ts's argument types. */
export const OPERATION_ARGS = {
  me: noArgs,
  searchFlows: z.strictObject({ q: z.optional(text(200)), kind: z.optional(z.enum(['troubleshooting', 'procedural', 'maintenance'])) }),
  findSessions: z.strictObject({
    ticket: ticketNumber,
    status: z.optional(z.enum(SESSION_STATUSES)),
  }),
  startSession: z.strictObject({ ticket: ticketRef, flowId: z.nullish(id) }),
  chooseFlow: z.strictObject({ ...sid, flowId: z.nullable(id) }),
  fillTicket: z.strictObject({ ...sid, ticket: z.omit(ticketRef, { psa: true, externalId: true }) }),
  getSession: z.strictObject(sid),
  recordStep: z.strictObject({
    ...sid,
    nodeId: text(200),
    optionId: z.optional(text(200)),
    note: z.optional(text(5000)),
    targets: z.optional(z.array(z.strictObject({ name: text(200), result: z.enum(['done', 'failed', 'skipped']), note: z.optional(text(1000)) })).check(z.maxLength(500))),
  }),
  addEvent: z.strictObject({ ...sid, kind: z.enum(['note', 'command', 'observation']), text: text(20_000) }),
  addFact: z.strictObject({ ...sid, text: text(2000), sourceRef: z.nullish(text(100)), origin: z.optional(z.enum(['user', 'copilot'])) }),
  editFact: z.strictObject({ ...sid, factId: id, text: text(2000) }),
  removeFact: z.strictObject({ ...sid, factId: id }),
  decideFix: z.strictObject({ ...sid, fixId: id, action: z.enum(['accept', 'reject']) }),
  unhideRedaction: z.strictObject({ ...sid, spotId: z.string().check(z.regex(/^[0-9a-f]{20}$/, 'must be a redaction spot id')) }),
  proposeFix: z.strictObject({
    ...sid,
    title: text(300),
    body: z.optional(text(20_000)),
    confidence: z.optional(z.number().check(z.gte(0), z.lte(1))),
    origin: z.optional(z.enum(['user', 'copilot'])),
  }),
  resolutionNote: z.strictObject({ ...sid, format: z.enum(NOTE_FORMATS) }),
  postResolutionNote: z.strictObject({
    ...sid,
    internal: z.boolean(),
    resolution: z.boolean(),
    text: z.optional(text(60_000)),
    status: z.optional(text(100)),
  }),
  logTime: z.strictObject({
    ...sid,
    minutes: z.optional(z.int().check(z.gte(1), z.lte(MAX_MINUTES))),
    billable: z.optional(z.enum(['Billable', 'DoNotBill', 'NoCharge'])),
    notes: z.optional(text(4000)),
    addToResolution: z.optional(z.boolean()),
  }),
  escalate: z.strictObject({ ...sid, reason: text(2000) }),
  postEscalation: z.strictObject({ ...sid, text: z.optional(text(60_000)) }),
  resolve: z.strictObject(sid),
  similarSessions: z.strictObject(sid),
  companyHistory: z.strictObject(sid),
  proposeFixFrom: z.strictObject({ ...sid, fromSessionId: id }),
  editEvent: z.strictObject({ ...sid, itemId: laneItemId, text: text(20_000) }),
  removeEvent: z.strictObject({ ...sid, itemId: laneItemId }),
  sessionTargets: z.strictObject(sid),
  boardStatuses: z.strictObject({ ...sid, refresh: z.optional(z.boolean()) }),
  setRootCause: z.strictObject({ ...sid, rootCause: z.nullable(text(5000)) }),
  closeOut: z.strictObject({
    ...sid,
    rootCause: optionalText(5000),
    flags: z.optional(noteFlags),
    text: z.optional(text(60_000)),
    statusId: z.optional(statusId),
    emailCustomer: z.optional(z.boolean()),
    minutes: z.optional(z.int().check(z.gte(0), z.lte(MAX_MINUTES))),
  }),
  fixDecision: z.strictObject({ ...sid, fixId: id, decision: z.enum(['one_off', 'draft_template', 'build_template', 'dismissed']) }),
  draftCount: noArgs,
  escalationPreview: z.strictObject({ ...sid, reason: text(2000) }),
  escalationSend: z.strictObject({
    ...sid,
    reason: text(2000),
    flags: z.optional(noteFlags),
    text: z.optional(text(60_000)),
    emailCustomer: z.optional(z.boolean()),
    boardId: z.optional(statusId),
    statusId: z.optional(statusId),
  }),
  createShare: z.strictObject(sid),
  listShares: z.strictObject(sid),
  revokeShare: z.strictObject({ ...sid, shareId: id }),
  getSettings: noArgs,
  putSettings: settingsPatch,
  getPsa: noArgs,
  putPsa: z.strictObject({
    site: text(300),
    companyId: text(100),
    publicKey: text(200),
    privateKey: z.optional(text(500)),
    clientId: text(100),
  }),
  testPsa: noArgs,
  libraryFlows: z.strictObject({ q: z.optional(text(200)), kind: z.optional(flowKind), tag: z.optional(text(60)), category: z.optional(text(100)) }),
  getFlow: z.strictObject({ flowId: id }),
  createFlow: z.strictObject(flowDraft),
  updateFlow: z.strictObject({ flowId: id, version: z.int().check(z.gte(1)), ...z.partial(z.strictObject(flowDraft)).shape }),
  archiveFlow: z.strictObject({ flowId: id }),
  flowProposals: z.strictObject({ status: z.enum(['pending', 'approved', 'dismissed']) }),
  decideProposal: z.strictObject({ proposalId: id, action: z.enum(['approve', 'dismiss']), reason: z.optional(text(500)) }),
  sessionHistory: z.strictObject({
    q: z.optional(text(200)),
    status: z.optional(z.array(z.enum(['active', 'paused', 'resolved', 'escalated', 'abandoned'])).check(z.maxLength(5))),
    engineer: z.optional(id),
    from: z.optional(isoDay),
    to: z.optional(isoDay),
    cursor: z.optional(text(200)),
    limit: z.optional(z.int().check(z.gte(1), z.lte(100))),
  }),
  askHistory: z.strictObject(sid),
  feedback: z.strictObject({ ...sid, target: z.enum(['suggestion', 'answer', 'fix']), targetId: z.optional(text(100)), rating: z.enum(['up', 'down']) }),
  ticketSummary: z.strictObject(sid),
  draftCustomerReply: z.strictObject(sid),
  clientMemory: z.strictObject({ company: text(300) }),
  confirmMemory: z.strictObject({ memoryId: id }),
  editMemory: z.strictObject({ memoryId: id, text: text(500) }),
  deleteMemory: z.strictObject({ memoryId: id }),
  outboundPreview: z.strictObject({ ...sid, purpose: z.enum(['suggest', 'summary', 'reply', 'briefing', 'embed', 'ask']), question: z.optional(text(2000)) }),
  postCustomerReply: z.strictObject({ ...sid, text: text(8000), emailCustomer: z.boolean() }),
  team: noArgs,
  createUser: z.strictObject({ name: text(200), email: text(254), password: text(200), role: role }),
  updateUser: z.strictObject({ userId: id, name: z.optional(text(200)), role: z.optional(role), disabled: z.optional(z.boolean()) }),
  psaMembers: noArgs,
  mapMembers: z.strictObject({
    mappings: z.optional(z.array(z.strictObject({ userId: id, memberIdentifier: z.nullable(text(100)) })).check(z.maxLength(1000))),
    autoMatch: z.optional(z.boolean()),
  }),
  testRedaction: z.strictObject({ text: text(20_000), rules: z.optional(z.partial(z.strictObject({ patterns: z.array(text(500)).check(z.maxLength(50)), words: z.array(text(200)).check(z.maxLength(200)) }))) }),
  usageReport: noArgs,
  engineerReport: noArgs,
  documentationReport: noArgs,
  scriptTemplates: noArgs,
  draftTemplates: noArgs,
  approveDraft: z.strictObject({
    draftId: id,
    name: z.optional(text(200)),
    description: z.optional(text(2000)),
    body: z.optional(text(50_000)),
    language: z.optional(z.enum(['powershell', 'cmd', 'bash', 'python', 'other'])),
    tags: z.optional(z.array(text(60)).check(z.maxLength(30))),
  }),
  dismissDraft: z.strictObject({ draftId: id }),
  useTemplate: z.strictObject({ templateId: id }),
  schedules: noArgs,
  createSchedule: z.strictObject({
    name: text(200),
    flowId: id,
    recurrence: z.strictObject({
      freq: z.enum(['daily', 'weekly', 'monthly']),
      interval: z.optional(z.int().check(z.gte(1), z.lte(12))),
      byWeekday: z.optional(z.array(z.enum(['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'])).check(z.maxLength(7))),
      nth: z.optional(z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(-1)])),
      byMonthDay: z.optional(z.int().check(z.gte(-1), z.lte(31))),
      time: z.optional(text(5)),
      timeZone: z.optional(text(64)),
      startsOn: text(10),
    }),
    targets: z
      .array(z.strictObject({ id: z.optional(id), name: text(200), company: z.nullish(text(300)), companyIdentifier: z.nullish(text(100)), board: z.nullish(text(300)) }))
      .check(z.maxLength(200)),
    assigneeId: z.nullish(id),
    createPsaTicket: z.optional(z.boolean()),
    enabled: z.optional(z.boolean()),
  }),
  scheduleRuns: z.strictObject({ scheduleId: id, targetId: z.optional(id) }),
  sessionHistoryView: z.strictObject(sid),
  steps: z.strictObject({ q: z.optional(text(200)) }),
  getStep: z.strictObject({ stepId: id }),
  createStep: z.strictObject({
    node: flowGraph.shape.nodes.def.element,
    description: z.optional(text(2000)),
    category: z.nullish(text(100)),
    tags: z.optional(z.array(text(50)).check(z.maxLength(20))),
  }),
  rateStep: z.strictObject({ stepId: id, rating: z.int().check(z.gte(1), z.lte(5)), review: z.nullish(text(500)) }),
  useStep: z.strictObject({ stepId: id }),
  generateFlow: z.strictObject({ prompt: text(2000), kind: z.optional(flowKind) }),
  psaBoards: noArgs,
  psaBoardStatuses: z.strictObject({ boardId: statusId }),
  assistantConversations: noArgs,
  assistantConversation: z.strictObject({ conversationId: id }),
  escalationBriefing: z.strictObject(sid),
  proposeMemory: z.strictObject(sid),
} satisfies { [K in OperationName]: z.ZodMiniType<OpArgs<K>> };

export const apiMessage = z.strictObject({ op: z.enum(Object.keys(OPERATION_ARGS) as [OperationName, ...OperationName[]]), args: z.optional(z.unknown()) });

export const signInRequest = z.strictObject({
  apiBase: text(2000),
  email: text(320),
  password: text(1000),
  register: z.optional(z.strictObject({ accountName: text(200), name: text(200) })),
}) satisfies z.ZodMiniType<SignInRequest>;

/** Messages that carry nothing. */
export const empty = z.undefined();

/** An Ask source the panel opens in the workspace: a flow or a session, by its API path. */
export const sourceRef = z.strictObject({ ref: z.string().check(z.regex(/^\/v1\/(flows|sessions)\/[0-9a-f-]{36}$/i)) });

/** One question to the copilot over the ask port. */
export const askRequest = z.strictObject({ sessionId: id, question: z.optional(text(2000)), conversation: z.optional(z.boolean()) });

/** One question to the standalone assistant over its port (a follow-up names its conversation). */
export const assistantRequest = z.strictObject({ question: text(2000).check(z.minLength(1)), conversationId: z.optional(id) });

/** One description for the AI flow builder over its port (the same arguments as the generateFlow operation). */
export const builderRequest = OPERATION_ARGS.generateFlow;

/** zod/mini carries no messages ("Invalid input"); the English ones, for this parse only (no global configuration). */
let english: ReturnType<typeof en>['localeError'] | undefined;

/** Parses with English issue messages. */
export function safeParse<T>(schema: z.ZodMiniType<T>, data: unknown) {
  english ??= en().localeError;
  return schema.safeParse(data, { error: english });
}

/** A short, readable account of what was wrong with a payload (no values echoed back). */
export function describeIssues(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : 'payload'}: ${i.message}`)
    .join('; ');
}
