// The workspace's response types, derived from the API's own routes (type-only: Hono's AppType through hono/client).
import type { hc, InferResponseType } from 'hono/client';
import type { AppType } from '../../api/app';
import type { FlowGraph, FlowKind } from '../../api/services/flow-graph';

type V1 = ReturnType<typeof hc<AppType>>['v1'];

export type LibraryFlowList = InferResponseType<V1['flows']['$get'], 200>;
export type LibraryFlowSummary = LibraryFlowList['flows'][number];
export type LibraryFlowResponse = InferResponseType<V1['flows'][':id']['$get'], 200>;
export type LibraryFlow = LibraryFlowResponse['flow'];
export type ProposalList = InferResponseType<V1['flow-proposals']['$get'], 200>;
export type FlowProposal = ProposalList['proposals'][number];
export type ProposalApproval = InferResponseType<V1['flow-proposals'][':id']['approve']['$post'], 201>;
export type ProposalDismissal = InferResponseType<V1['flow-proposals'][':id']['dismiss']['$post'], 200>;
export type SessionList = InferResponseType<V1['sessions']['$get'], 200>;
export type SessionListItem = SessionList['sessions'][number];
export type SessionResponse = InferResponseType<V1['sessions'][':id']['$get'], 200>;
/** The note as JSON (the markdown format; text and html answer with the bare text). */
export type NotePreview = Extract<InferResponseType<V1['sessions'][':id']['resolution-note']['$get'], 200>, { note: unknown }>;

/** What creating or editing a flow sends (the route validates `graph` as a whole with the API's graph rules). */
export interface FlowDraft {
  kind: FlowKind;
  title: string;
  description?: string;
  category?: string | null;
  tags?: string[];
  graph: FlowGraph;
}
