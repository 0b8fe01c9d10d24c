// The background's message handlers: who may send each message of protocol.ts, and the payload it must carry.
import type { z } from 'zod/mini';
import { browser } from 'wxt/browser';
import type { PanelSettings } from '../common/api-types';
import type { OperationName, OpResult } from '../common/operations';
import { onMessage, type CallResult } from '../common/protocol';
import { applyOnPremHosts } from './onprem';
import { loadPanelInto } from './panel';
import { apiMessage, describeIssues, empty, OPERATION_ARGS, safeParse, signInRequest, sourceRef } from './schemas';
import { RefusedMessage, requireSender, type MessageSenderLike, type SenderKind } from './senders';
import type { BackgroundServices } from './services';

const PAGES: readonly SenderKind[] = ['extension-page'];
const PAGES_AND_PANEL: readonly SenderKind[] = ['extension-page', 'content-script'];
const PANEL: readonly SenderKind[] = ['content-script'];

/**
 * API operations by who may ask for them. The panel (a content script) gets its session work and the reads it
 * shows; everything account-level (who is signed in, the ConnectWise connection and its test, the account's
 * settings including redaction rules and models) is for the extension's own pages. `decideFix` stays with the
 * panel, which accepts and rejects fixes on GUIDs; `fixDecision` carries the seed's four decisions (see below).
 */
export const OPERATION_SENDERS: Record<OperationName, readonly SenderKind[]> = {
  me: PAGES,
  searchFlows: PAGES_AND_PANEL,
  findSessions: PAGES_AND_PANEL,
  startSession: PAGES_AND_PANEL,
  chooseFlow: PAGES_AND_PANEL,
  fillTicket: PANEL,
  getSession: PAGES_AND_PANEL,
  recordStep: PAGES_AND_PANEL,
  addEvent: PAGES_AND_PANEL,
  addFact: PAGES_AND_PANEL,
  editFact: PAGES_AND_PANEL,
  removeFact: PAGES_AND_PANEL,
  decideFix: PAGES_AND_PANEL,
  proposeFix: PAGES_AND_PANEL,
  resolutionNote: PAGES_AND_PANEL,
  // Un-hides one spot of this session's note only (never the account's rules), as the engineer reviews it.
  unhideRedaction: PAGES_AND_PANEL,
  postResolutionNote: PAGES_AND_PANEL,
  logTime: PAGES_AND_PANEL,
  escalate: PAGES_AND_PANEL,
  postEscalation: PAGES_AND_PANEL,
  resolve: PAGES_AND_PANEL,
  similarSessions: PAGES_AND_PANEL,
  companyHistory: PAGES_AND_PANEL,
  proposeFixFrom: PAGES_AND_PANEL,
  editEvent: PAGES_AND_PANEL,
  removeEvent: PAGES_AND_PANEL,
  sessionTargets: PAGES_AND_PANEL,
  // Close-out and escalation from the panel: each step once, reported (issue #13). The fix decisions that keep a
  // script (draft_template, build_template) are the engineer's call at the fix, as in the seed product: a draft
  // waits for review, a copilot script is always drafted (never built), and every template carries its provenance.
  boardStatuses: PAGES_AND_PANEL,
  setRootCause: PAGES_AND_PANEL,
  closeOut: PAGES_AND_PANEL,
  fixDecision: PAGES_AND_PANEL,
  draftCount: PAGES_AND_PANEL,
  escalationPreview: PAGES_AND_PANEL,
  escalationSend: PAGES_AND_PANEL,
  // Share links show a redacted snapshot; the panel's shadow root is closed, so the page never reads the link.
  createShare: PAGES_AND_PANEL,
  listShares: PAGES_AND_PANEL,
  revokeShare: PAGES_AND_PANEL,
  // The panel reads the note defaults only; see panelView.
  getSettings: PAGES_AND_PANEL,
  putSettings: PAGES,
  getPsa: PAGES,
  putPsa: PAGES,
  testPsa: PAGES,
  // The workspace page's library and history: the panel starts flows, it never edits the team's library.
  libraryFlows: PAGES,
  getFlow: PAGES,
  createFlow: PAGES,
  updateFlow: PAGES,
  archiveFlow: PAGES,
  flowProposals: PAGES,
  decideProposal: PAGES,
  askHistory: PAGES_AND_PANEL,
  feedback: PAGES_AND_PANEL,
  ticketSummary: PAGES_AND_PANEL,
  draftCustomerReply: PAGES_AND_PANEL,
  clientMemory: PAGES_AND_PANEL,
  confirmMemory: PAGES_AND_PANEL,
  editMemory: PAGES_AND_PANEL,
  deleteMemory: PAGES_AND_PANEL,
  outboundPreview: PAGES_AND_PANEL,
  postCustomerReply: PAGES_AND_PANEL,
  sessionHistory: PAGES,
  // The workspace's Team and Usage sections: account-level, so pages only.
  team: PAGES,
  createUser: PAGES,
  updateUser: PAGES,
  psaMembers: PAGES,
  mapMembers: PAGES,
  testRedaction: PAGES,
  usageReport: PAGES,
  engineerReport: PAGES,
  documentationReport: PAGES,
  // The script library's review (drafts become team templates): pages only.
  scriptTemplates: PAGES,
  draftTemplates: PAGES,
  approveDraft: PAGES,
  dismissDraft: PAGES,
  useTemplate: PAGES,
  schedules: PAGES,
  createSchedule: PAGES,
  scheduleRuns: PAGES,
  sessionHistoryView: PAGES,
  steps: PAGES,
  getStep: PAGES,
  createStep: PAGES,
  rateStep: PAGES,
  useStep: PAGES,
  generateFlow: PAGES,
  psaBoards: PAGES_AND_PANEL,
  psaBoardStatuses: PAGES_AND_PANEL,
  // The standalone assistant (popup and workspace): the user's own conversations, not tied to a ticket.
  assistantConversations: PAGES,
  assistantConversation: PAGES,
  // The escalation briefing, written from the panel's escalation card.
  escalationBriefing: PAGES_AND_PANEL,
  // Client memory proposed when the panel resolves a session.
  proposeMemory: PAGES_AND_PANEL,
};

/** What a content script sees of a read it may make: the note defaults and time zone of the settings, never the redaction rules or models. */
function panelView(op: OperationName, data: unknown): unknown {
  if (op !== 'getSettings') return data;
  const { noteFormat, noteDefaults, timeZone } = (data as OpResult<'getSettings'>).settings;
  return { settings: { noteFormat, noteDefaults, timeZone } } satisfies { settings: PanelSettings };
}

function parse<T>(schema: z.ZodMiniType<T>, data: unknown, what: string): T {
  const r = safeParse(schema, data);
  if (!r.success) throw new RefusedMessage(400, 'invalid_input', `${what}: malformed request (${describeIssues(r.error)}).`);
  return r.data;
}

/** A refusal as the caller of a CallResult-returning message expects it. */
function refusedResult(err: unknown): CallResult<never> {
  if (err instanceof RefusedMessage) return { ok: false, error: { status: err.status, code: err.code, message: err.message } };
  throw err;
}

export interface MessageDeps {
  services: BackgroundServices;
  syncNow: () => Promise<{ pending: number }>;
  /** Settles once storage access levels are applied (the panel must not run before). */
  storageReady: Promise<unknown>;
}

/** Registers every background handler of protocol.ts. A refused message throws (or answers a CallResult error) and does nothing. */
export function setupMessages({ services, syncNow, storageReady }: MessageDeps): () => void {
  const guard = (sender: MessageSenderLike, allowed: readonly SenderKind[], what: string, data: unknown) => {
    const kind = requireSender(sender, allowed, what);
    parse(empty, data, what);
    return kind;
  };

  const unlisteners = [
    onMessage('api', async ({ data, sender }) => {
      try {
        const { op, args: raw } = parse(apiMessage, data, 'api');
        const kind = requireSender(sender, OPERATION_SENDERS[op], op);
        const args = parse(OPERATION_ARGS[op] as z.ZodMiniType<unknown>, raw, op);
        const result = await services.call(op, args);
        return kind === 'content-script' && result.ok ? { ok: true as const, data: panelView(op, result.data) } : result;
      } catch (err) {
        return refusedResult(err);
      }
    }),
    onMessage('accountState', ({ data, sender }) => {
      guard(sender, PAGES_AND_PANEL, 'accountState', data);
      return services.accountState();
    }),
    onMessage('signIn', async ({ data, sender }) => {
      try {
        requireSender(sender, PAGES, 'signIn');
        return await services.signIn(parse(signInRequest, data, 'signIn'));
      } catch (err) {
        return refusedResult(err);
      }
    }),
    onMessage('signOut', ({ data, sender }) => {
      guard(sender, PAGES, 'signOut', data);
      return services.signOut();
    }),
    onMessage('syncNow', ({ data, sender }) => {
      guard(sender, PAGES_AND_PANEL, 'syncNow', data);
      return syncNow();
    }),
    onMessage('applyOnPremHosts', ({ data, sender }) => {
      guard(sender, PAGES, 'applyOnPremHosts', data);
      return applyOnPremHosts();
    }),
    onMessage('openOptions', ({ data, sender }) => {
      guard(sender, PAGES_AND_PANEL, 'openOptions', data);
      return browser.runtime.openOptionsPage();
    }),
    onMessage('openWorkspace', async ({ data, sender }) => {
      guard(sender, PAGES_AND_PANEL, 'openWorkspace', data);
      await browser.tabs.create({ url: browser.runtime.getURL('/workspace.html') });
    }),
    onMessage('openSource', async ({ data, sender }) => {
      requireSender(sender, PAGES_AND_PANEL, 'openSource');
      const { ref } = parse(sourceRef, data, 'openSource');
      await browser.tabs.create({ url: browser.runtime.getURL(`/workspace.html#${ref}`) });
    }),
    // The panel reads `session` as soon as it runs: only inject it once that area is open to it.
    onMessage('loadPanel', async ({ data, sender }) => {
      guard(sender, PANEL, 'loadPanel', data);
      await storageReady;
      return loadPanelInto(sender);
    }),
  ];
  return () => unlisteners.forEach((u) => u());
}
