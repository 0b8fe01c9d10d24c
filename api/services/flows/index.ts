// Flows: the account's library of troubleshooting, procedural and maintenance flows, and its starter seed.
import type { Tx } from '../../db/database.js';
import { conflict, notFound } from '../../lib/errors.js';
import { tsQuery } from '../../lib/tsquery.js';
import type { FlowGraph, FlowKind } from '../flow-graph.js';
import { STARTER_FLOWS } from './library.js';
import { assertValidFlowGraph } from './validate.js';

export { assertValidFlowGraph, flowGraphSchema, graphProblems, FlowValidationError, FLOW_KINDS } from './validate.js';
export { STARTER_FLOWS, type StarterFlow } from './library.js';

export interface FlowRow {
  id: string;
  account_id: string;
  kind: FlowKind;
  title: string;
  description: string;
  category: string | null;
  tags: string[];
  graph: FlowGraph;
  version: number;
  starter_key: string | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

export interface FlowInput {
  kind: FlowKind;
  title: string;
  description?: string;
  category?: string | null;
  tags?: string[];
  graph: unknown;
}

export const flowSummaryView = (f: FlowRow) => ({
  id: f.id,
  kind: f.kind,
  title: f.title,
  description: f.description,
  category: f.category,
  tags: f.tags,
  version: f.version,
  starter: f.starter_key !== null,
  nodeCount: f.graph.nodes.length,
  createdBy: f.created_by,
  createdAt: f.created_at.toISOString(),
  updatedAt: f.updated_at.toISOString(),
});

export const flowView = (f: FlowRow) => ({ ...flowSummaryView(f), graph: f.graph });

/** Tags are compared lower-case and trimmed, so "VPN" and "vpn " are one tag. */
export const normaliseTags = (tags: readonly string[] = []) => [...new Set(tags.map((t) => t.trim().toLowerCase()).filter(Boolean))];

export interface FlowQuery {
  q?: string;
  kind?: FlowKind;
  tag?: string;
  category?: string;
  limit?: number;
}

/** Lists live flows; with `q`, ranked by full-text match (prefix-aware), otherwise by title. */
export async function listFlows(tx: Tx, query: FlowQuery = {}): Promise<(FlowRow & { rank: number | null })[]> {
  const tsq = query.q ? tsQuery(query.q, 'all-prefix') : null;
  const tag = query.tag?.trim().toLowerCase() ?? null;
  return tx<(FlowRow & { rank: number | null })[]>`
    select f.*, ${tsq ? tx`ts_rank_cd(f.search, to_tsquery('english', ${tsq}), 32)` : tx`null::real`} as rank
    from flows f
    where f.deleted_at is null
      and (${query.kind ?? null}::text is null or f.kind = ${query.kind ?? null})
      and (${tag}::text is null or ${tag} = any(f.tags))
      and (${query.category ?? null}::text is null or lower(f.category) = lower(${query.category ?? null}))
      ${tsq ? tx`and f.search @@ to_tsquery('english', ${tsq})` : tx``}
    order by ${tsq ? tx`rank desc,` : tx``} f.title, f.id
    limit ${query.limit ?? 100}`;
}

export async function getFlow(tx: Tx, id: string): Promise<FlowRow> {
  const [row] = await tx<[FlowRow?]>`select * from flows where id = ${id} and deleted_at is null`;
  if (!row) throw notFound('Flow');
  return row;
}

export async function createFlow(tx: Tx, accountId: string, userId: string | null, input: FlowInput): Promise<FlowRow> {
  const graph = assertValidFlowGraph(input.graph, input.kind);
  const [row] = await tx<[FlowRow]>`
    insert into flows (account_id, kind, title, description, category, tags, graph, created_by)
    values (${accountId}, ${input.kind}, ${input.title}, ${input.description ?? ''}, ${input.category ?? null},
            ${normaliseTags(input.tags)}, ${tx.json(graph as never)}, ${userId})
    returning *`;
  return row;
}

/**
 * Applies an edit. Any change bumps the version; sessions keep the graph snapshot they started
 * with. With `expectedVersion`, an edit made on top of an older version is a 409, not a silent overwrite.
 */
export async function updateFlow(tx: Tx, id: string, patch: Partial<FlowInput> & { expectedVersion?: number }): Promise<FlowRow> {
  const [current] = await tx<[FlowRow?]>`select * from flows where id = ${id} and deleted_at is null for update`;
  if (!current) throw notFound('Flow');
  if (patch.expectedVersion !== undefined && patch.expectedVersion !== current.version) {
    throw conflict(`The flow was changed since version ${patch.expectedVersion} (it is now version ${current.version}); reload it and edit again.`, 'version_conflict');
  }
  const kind = patch.kind ?? current.kind;
  const graph = patch.graph !== undefined || patch.kind !== undefined ? assertValidFlowGraph(patch.graph ?? current.graph, kind) : current.graph;
  const [row] = await tx<[FlowRow]>`
    update flows set
      kind = ${kind},
      title = ${patch.title ?? current.title},
      description = ${patch.description ?? current.description},
      category = ${patch.category !== undefined ? patch.category : current.category},
      tags = ${patch.tags !== undefined ? normaliseTags(patch.tags) : current.tags},
      graph = ${tx.json(graph as never)},
      version = version + 1,
      updated_at = now()
    where id = ${id} returning *`;
  return row;
}

export async function deleteFlow(tx: Tx, id: string): Promise<void> {
  const [row] = await tx<[{ id: string }?]>`update flows set deleted_at = now(), updated_at = now() where id = ${id} and deleted_at is null returning id`;
  if (!row) throw notFound('Flow');
}

/**
 * Gives the account every starter flow it has never had. Safe to call again at any time: the
 * unique (account_id, starter_key) index means a starter is inserted at most once per account —
 * edited, deleted (soft) or not — so re-seeding never duplicates nor resurrects. Returns what it added.
 */
export async function seedStarterFlows(tx: Tx, accountId: string): Promise<{ added: string[] }> {
  const added: string[] = [];
  for (const starter of STARTER_FLOWS) {
    const graph = assertValidFlowGraph(starter.graph, starter.kind);
    const [row] = await tx<[{ starter_key: string }?]>`
      insert into flows (account_id, kind, title, description, category, tags, graph, starter_key)
      values (${accountId}, ${starter.kind}, ${starter.title}, ${starter.description}, ${starter.category},
              ${normaliseTags(starter.tags)}, ${tx.json(graph as never)}, ${starter.key})
      on conflict (account_id, starter_key) where starter_key is not null do nothing
      returning starter_key`;
    if (row) added.push(row.starter_key);
  }
  return { added };
}
