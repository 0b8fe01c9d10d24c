// The background's check of every message payload: the shapes operations.ts builds requests from, and the others.
import { z } from 'zod';
import type { OperationName, OpArgs } from '../operations';
import type { SignInRequest } from '../protocol';

/*
 * These run in the background only (the content script bundle stays small). They are the extension's side of
 * the API's own validation: strict enough that no payload can bend a request path (every id is a GUID, every
 * path word an enum) or carry unknown keys; the API still applies its finer rules (trimming, min lengths).
 */
const id = z.guid();
const text = (max: number) => z.string().max(max);
const ticketNumber = z.string().regex(/^\d{1,12}$/, 'must be a ConnectWise ticket number');
const optionalText = (max: number) => text(max).nullish();
const noArgs = z.undefined();
const sid = { sessionId: id };

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
  noteFormat: z.enum(['text', 'markdown', 'html']).optional(),
  noteDefaults: z.strictObject({ internal: z.boolean(), resolution: z.boolean(), processNotifications: z.boolean() }).partial().optional(),
  redaction: z.strictObject({ patterns: z.array(text(500)).max(50), words: z.array(text(200)).max(200) }).partial().optional(),
  ai: z.strictObject({ fastModel: text(100), deepModel: text(100) }).partial().optional(),
});

/** One schema per operation; `satisfies` keeps them in step with operations.ts's argument types. */
export const OPERATION_ARGS = {
  me: noArgs,
  searchFlows: z.strictObject({ q: text(200).optional(), kind: z.enum(['troubleshooting', 'procedural', 'maintenance']).optional() }),
  findSessions: z.strictObject({
    ticket: ticketNumber,
    status: z.enum(['active', 'paused', 'resolved', 'escalated', 'abandoned']).optional(),
  }),
  startSession: z.strictObject({ ticket: ticketRef, flowId: id.nullish() }),
  chooseFlow: z.strictObject({ ...sid, flowId: id.nullable() }),
  getSession: z.strictObject(sid),
  recordStep: z.strictObject({ ...sid, nodeId: text(200), optionId: text(200).optional(), note: text(5000).optional() }),
  addEvent: z.strictObject({ ...sid, kind: z.enum(['note', 'command', 'observation']), text: text(20_000) }),
  addFact: z.strictObject({ ...sid, text: text(2000), sourceRef: text(100).nullish(), origin: z.enum(['user', 'copilot']).optional() }),
  editFact: z.strictObject({ ...sid, factId: id, text: text(2000) }),
  removeFact: z.strictObject({ ...sid, factId: id }),
  decideFix: z.strictObject({ ...sid, fixId: id, action: z.enum(['accept', 'reject']) }),
  proposeFix: z.strictObject({
    ...sid,
    title: text(300),
    body: text(20_000).optional(),
    confidence: z.number().min(0).max(1).optional(),
    origin: z.enum(['user', 'copilot']).optional(),
  }),
  resolutionNote: z.strictObject({ ...sid, format: z.enum(['markdown', 'text', 'html']) }),
  postResolutionNote: z.strictObject({
    ...sid,
    internal: z.boolean(),
    resolution: z.boolean(),
    text: text(60_000).optional(),
    status: text(100).optional(),
  }),
  logTime: z.strictObject({
    ...sid,
    minutes: z.number().int().min(1).max(24 * 60).optional(),
    billable: z.enum(['Billable', 'DoNotBill', 'NoCharge']).optional(),
    notes: text(4000).optional(),
    addToResolution: z.boolean().optional(),
  }),
  escalate: z.strictObject({ ...sid, reason: text(2000) }),
  postEscalation: z.strictObject({ ...sid, text: text(60_000).optional() }),
  resolve: z.strictObject(sid),
  getSettings: noArgs,
  putSettings: settingsPatch,
  getPsa: noArgs,
  putPsa: z.strictObject({
    site: text(300),
    companyId: text(100),
    publicKey: text(200),
    privateKey: text(500).optional(),
    clientId: text(100),
  }),
  testPsa: noArgs,
} satisfies { [K in OperationName]: z.ZodType<OpArgs<K>> };

export const apiMessage = z.strictObject({ op: z.enum(Object.keys(OPERATION_ARGS) as [OperationName, ...OperationName[]]), args: z.unknown().optional() });

export const signInRequest = z.strictObject({
  apiBase: text(2000),
  email: text(320),
  password: text(1000),
  register: z.strictObject({ accountName: text(200), name: text(200) }).optional(),
}) satisfies z.ZodType<SignInRequest>;

/** Messages that carry nothing. */
export const empty = z.undefined();

/** One question to the copilot over the ask port. */
export const askRequest = z.strictObject({ sessionId: id, question: text(2000).optional() });

/** A short, readable account of what was wrong with a payload (no values echoed back). */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : 'payload'}: ${i.message}`)
    .join('; ');
}
