// The workspace's response types, derived from the API's own routes (type-only, like the panel's: common/api-types).
import type { FlowGraph, FlowKind } from '../../api/services/flow-graph';
import type { Res } from '../lib/common/api-types';

export type LibraryFlowList = Res<'/v1/flows', '$get'>;
export type LibraryFlowSummary = LibraryFlowList['flows'][number];
export type LibraryFlowResponse = Res<'/v1/flows/:id', '$get'>;
export type LibraryFlow = LibraryFlowResponse['flow'];
export type ProposalList = Res<'/v1/flow-proposals', '$get'>;
export type FlowProposal = ProposalList['proposals'][number];
export type ProposalApproval = Res<'/v1/flow-proposals/:id/approve', '$post'>;
export type ProposalDismissal = Res<'/v1/flow-proposals/:id/dismiss', '$post'>;
export type SessionResponse = Res<'/v1/sessions/:id', '$get'>;

/** What creating or editing a flow sends (the route validates `graph` as a whole with the API's graph rules). */
export interface FlowDraft {
  kind: FlowKind;
  title: string;
  description?: string;
  category?: string | null;
  tags?: string[];
  graph: FlowGraph;
}
