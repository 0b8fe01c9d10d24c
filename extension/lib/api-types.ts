// The API's response shapes the extension reads (DESIGN.md §5). Domain types come from the API itself, type-only
// (erased at build: no server code reaches the bundle; lib/api-types.test.ts keeps it so); the JSON views the
// routes build inline are hand-typed here, with only the fields the extension reads.
import type { Role } from '../../api/auth/tokens';
import type { FlowKind, FlowNode, FlowOption } from '../../api/services/flow-graph';
import type { NoteFormat } from '../../api/services/notes/render';
import type { SessionStatus, TicketRef } from '../../api/services/sessions/index';
import type { LaneItem } from '../../api/services/sessions/lane';
import type { BillableOption, TimeEntryView } from '../../api/services/psa/time-entry';

export type { BillableOption, FlowKind, FlowNode, FlowOption, LaneItem, NoteFormat, Role, SessionStatus, TicketRef, TimeEntryView };

export interface User {
  id: string;
  name: string;
  email: string;
  role: Role;
  accountId?: string;
}
export interface AuthResponse {
  accessToken: string;
  refreshToken: string;
  user: User;
}

export interface FlowSummary {
  id: string;
  title: string;
  kind: FlowKind;
  tags?: string[];
  description?: string | null;
  /** Present when the API ranked flows for a ticket. */
  score?: number;
  recommended?: boolean;
}

export interface Fact {
  id: string;
  text: string;
  sourceRef: string | null;
  origin: 'user' | 'copilot';
  createdAt: string;
}

export interface SuggestedFix {
  id: string;
  title: string;
  body: string;
  confidence: number | null;
  origin: 'user' | 'copilot';
  decision: 'one_off' | 'draft_template' | 'build_template' | 'dismissed' | null;
  accepted: boolean;
  supersededAt: string | null;
}

export interface SessionSummary {
  id: string;
  ticket: TicketRef;
  flowId: string | null;
  currentNodeId: string | null;
  status: SessionStatus;
  stateVersion: number;
  resolutionNote: { postedAt: string | null; externalId: string | null };
  escalation?: { reason: string | null; postedAt: string | null; externalId: string | null };
  /** When the session started and ended (null while open); with the lane, the worked time. */
  createdAt?: string;
  endedAt?: string | null;
  updatedAt: string;
}

export interface SessionDetail extends SessionSummary {
  currentNode: FlowNode | null;
  lane: LaneItem[];
  facts: Fact[];
  activeFix: SuggestedFix | null;
  flowTitle?: string | null;
}

/** The confidence band shown in the panel (DESIGN.md §1); `tier` is who answered (offline rules, fast or deep model). */
export type Band = 'discovery' | 'exploring' | 'guided';
export interface Proposal {
  nextStep?: { nodeId?: string; title?: string; why?: string } | null;
  flows?: { id: string; title: string; kind: string; score: number; why: string }[];
  facts: ({ text: string; sourceRef?: string | null; why?: string } | string)[];
  fix?: { title: string; body?: string; confidence?: number; why?: string } | null;
  confidence?: number;
  band?: Band | string;
  rationale?: string;
  tier: string;
  model?: string | null;
}

export interface PsaConnectionView {
  site: string;
  companyId: string;
  publicKey: string;
  clientId: string;
  hasPrivateKey?: boolean;
  configured?: boolean;
}

export type Settings = Record<string, unknown>;

/** POST /v1/sessions/:id/time-entry: 201 the first time, 200 with alreadyLogged after. */
export interface TimeEntryResponse {
  alreadyLogged: boolean;
  externalId: string;
  timeEntry: TimeEntryView;
}

export interface ApiErrorBody {
  error: { code: string; message: string };
}

/**
 * One redacted spot of the note preview (GET resolution-note → note.redactionSpots): `marker` is the
 * 1-based position of its "[redacted …]" marker in the note text; `id` is a fingerprint, never the text.
 * Revealed spots were un-hidden by an engineer for this session only.
 */
export interface RedactionSpot {
  id: string;
  kind: string;
  marker: number | null;
  revealed: boolean;
}
