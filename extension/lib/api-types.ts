// The API's response shapes the extension reads (DESIGN.md §5), hand-typed from api/routes.

export type Role = 'super_admin' | 'team_admin' | 'engineer' | 'viewer';
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

export type FlowKind = 'troubleshooting' | 'procedural' | 'maintenance';
export interface FlowOption {
  id: string;
  label: string;
  next?: string | null;
}
export interface FlowNode {
  id: string;
  kind: string;
  title: string;
  body?: string;
  command?: string;
  options: FlowOption[];
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

export interface TicketRef {
  psa: 'connectwise';
  externalId: string;
  summary?: string | null;
  company?: string | null;
  contact?: string | null;
  board?: string | null;
  status?: string | null;
  priority?: string | null;
  description?: string | null;
  url?: string | null;
}

export type SessionStatus = 'active' | 'paused' | 'resolved' | 'escalated' | 'abandoned';

export interface LaneItem {
  id: string;
  kind: 'step' | 'note' | 'command' | 'observation' | 'status';
  at: string;
  by: string | null;
  text?: string;
  nodeId?: string;
  nodeTitle?: string;
  optionLabel?: string;
  command?: string;
  status?: string;
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

export type NoteFormat = 'markdown' | 'text' | 'html';

export interface PsaConnectionView {
  site: string;
  companyId: string;
  publicKey: string;
  clientId: string;
  hasPrivateKey?: boolean;
  configured?: boolean;
}

export type Settings = Record<string, unknown>;

export interface ApiErrorBody {
  error: { code: string; message: string };
}
