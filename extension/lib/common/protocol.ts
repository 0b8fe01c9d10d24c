// The one message protocol between content script, popup, options and background.
import { defineExtensionMessaging } from '@webext-core/messaging';
import type { AskSource, AskTurn, BuilderStep, FlowKind, GeneratedFlowResult, Proposal, User } from './api-types';
import type { OperationName, OpArgs, OpResult } from './operations';
import type { TicketContext } from '../ticket-context';

export interface CallError {
  /** HTTP status, or 0 when the API could not be reached. */
  status: number;
  code: string;
  message: string;
}

/** The outcome of an API call made through the background. */
export type CallResult<T> =
  | { ok: true; data: T }
  /** A write kept in the offline queue; it will be sent later, in order, exactly once. */
  | { ok: false; queued: true; pending: number }
  | { ok: false; queued?: false; error: CallError };

export interface AccountState {
  signedIn: boolean;
  user: User | null;
  apiBase: string;
}

export interface SignInRequest {
  apiBase: string;
  email: string;
  password: string;
  /** When set, creates the account first (POST /v1/auth/register). */
  register?: { accountName: string; name: string };
}

export interface ProtocolMap {
  /** Any operation of operations.ts; see `callApi` for the typed wrapper. */
  api(data: { op: OperationName; args: unknown }): CallResult<unknown>;
  accountState(): AccountState;
  signIn(data: SignInRequest): CallResult<AccountState>;
  signOut(): AccountState;
  /** Try the offline queue now (the panel's "retry" and the API coming back). */
  syncNow(): { pending: number };
  /** Re-registers the on-premise content script for the hosts in storage; returns the active patterns. */
  applyOnPremHosts(): { patterns: string[] };
  /** Content script → background on the first ticket screen: inject the panel bundle into the sender's frame. */
  loadPanel(): void;
  /** Opens the options page (content scripts cannot); sign-in happens there, never in the host page. */
  openOptions(): void;
  /** Opens the workspace page (library, flow editor, history) in a tab, from the panel, popup or options. */
  /** `ref`: the API path of a flow or session (an Ask source) to open there. */
  openWorkspace(): void;
  /** Panel → background: the workspace, opened on an Ask source (the API path of a flow or session). */
  openSource(data: { ref: string }): void;
  /** Background → content script in a tab. */
  togglePanel(): void;
  /** Popup → content script: the ticket on screen in that tab, if any. */
  getTicket(): TicketContext | null;
  /** Popup → content script: open (or resume) a session with this flow on the tab's ticket. */
  startFlowOnTicket(data: { flowId: string | null }): CallResult<{ sessionId: string; ticket: string }>;
}

/** "Ask FlowPilot": the panel streams the copilot's proposal from the background over a runtime port of this name. */
export const ASK_PORT = 'flowpilot-ask';
/** `conversation`: a turn of the session's Ask conversation (prose with sources) instead of a suggestion. */
export type AskRequest = { sessionId: string; question?: string; conversation?: boolean };
export type AskEvent =
  | { type: 'delta'; text: string }
  | { type: 'proposal'; proposal: Proposal }
  | { type: 'sources'; sources: AskSource[] }
  /** The prose streamed so far is void (the model failed half-way); the offline answer follows. */
  | { type: 'reset' }
  | { type: 'answer'; question: AskTurn; answer: AskTurn }
  /** `code` is the API's error code when it refused (e.g. outbound_preview_required). */
  | { type: 'error'; message: string; status: number; code?: string }
  | { type: 'done' };

/** The standalone assistant (popup and workspace): a question not tied to a ticket, streamed over a port of this name. */
export const ASSISTANT_PORT = 'flowpilot-assistant';
/** `conversationId`: a follow-up in that conversation; without it the question starts a new one. */
export type AssistantRequest = { question: string; conversationId?: string };
/** The Ask events, and which conversation the answer was stored in (sent before the answer itself). */
export type AssistantEvent = AskEvent | { type: 'conversation'; conversationId: string };

/** The AI flow builder (workspace): a draft flow streamed over a port of this name, its steps as they complete. */
export const BUILDER_PORT = 'flowpilot-builder';
export type BuilderRequest = { prompt: string; kind?: FlowKind };
export type BuilderEvent =
  | { type: 'step'; step: BuilderStep }
  | { type: 'result'; result: GeneratedFlowResult }
  | { type: 'error'; message: string; status: number; code?: string }
  | { type: 'done' };

export const messenger = defineExtensionMessaging<ProtocolMap>();
export const { sendMessage, onMessage } = messenger;

/** Typed API call through the background (the only place that holds tokens and queues writes). */
export async function callApi<K extends OperationName>(op: K, args: OpArgs<K>): Promise<CallResult<OpResult<K>>> {
  // The background answers with the operation's own result type; the protocol map cannot express that per key.
  return (await sendMessage('api', { op, args })) as CallResult<OpResult<K>>;
}

export type CallApi = typeof callApi;
