// The step library: reusable flow nodes with ratings and short reviews, searched like flows and copied into a flow graph by the editor.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Tx } from '../db/database.js';
import { forbidden, notFound } from '../lib/errors.js';
import { roleAtLeast, type AuthContext } from '../auth/tokens.js';
import type { FlowNode } from './flow-graph.js';
import { tsQuery } from '../lib/tsquery.js';
import { normaliseTags } from './flows/index.js';
import { nodeSchema } from './flows/validate.js';

export const stepInput = z
  .object({
    node: nodeSchema,
    description: z.string().trim().max(2000).default(''),
    category: z.string().trim().min(1).max(100).nullish(),
    tags: z.array(z.string().trim().min(1).max(50)).max(20).default([]),
  })
  .strict();
export const stepPatch = z
  .object({ node: nodeSchema, description: z.string().trim().max(2000), category: z.string().trim().min(1).max(100).nullable(), tags: z.array(z.string().trim().min(1).max(50)).max(20) })
  .partial()
  .strict();
export const ratingInput = z.object({ rating: z.number().int().min(1).max(5), review: z.string().trim().max(500).nullish() }).strict();
export const stepQuery = z.object({
  q: z.string().max(200).optional(),
  kind: nodeSchema.shape.kind.optional(),
  tag: z.string().max(50).optional(),
  sort: z.enum(['rating', 'recent', 'title', 'used']).default('rating'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

interface StepRow {
  id: string;
  title: string;
  description: string;
  category: string | null;
  tags: string[];
  node: FlowNode;
  use_count: number;
  created_by: string | null;
  author_name: string | null;
  created_at: Date;
  updated_at: Date;
  rating_avg: number | null;
  rating_count: number;
  my_rating: number | null;
}

interface ReviewRow {
  user_id: string;
  user_name: string;
  rating: number;
  review: string | null;
  updated_at: Date;
}

const stepView = (s: StepRow) => ({
  id: s.id,
  title: s.title,
  kind: s.node.kind,
  description: s.description,
  category: s.category,
  tags: s.tags,
  node: s.node,
  useCount: s.use_count,
  createdBy: s.created_by,
  authorName: s.author_name,
  rating: { average: s.rating_avg === null ? null : Math.round(s.rating_avg * 10) / 10, count: s.rating_count, mine: s.my_rating },
  createdAt: s.created_at.toISOString(),
  updatedAt: s.updated_at.toISOString(),
});

const reviewView = (r: ReviewRow) => ({ userId: r.user_id, userName: r.user_name, rating: r.rating, review: r.review, updatedAt: r.updated_at.toISOString() });

/** A library node is a template: its options lead nowhere until the editor connects them. */
const detached = (node: z.output<typeof nodeSchema>): FlowNode => ({ ...node, options: node.options.map((o) => ({ ...o, next: null })) });

const selectSteps = (tx: Tx, userId: string, rank = tx`0::real`) => tx`
  select s.id, s.title, s.description, s.category, s.tags, s.node, s.use_count, s.created_by, s.created_at, s.updated_at,
    u.name as author_name, ${rank} as rank,
    (select avg(r.rating)::float8 from library_step_reviews r where r.step_id = s.id) as rating_avg,
    (select count(*)::int from library_step_reviews r where r.step_id = s.id) as rating_count,
    (select r.rating from library_step_reviews r where r.step_id = s.id and r.user_id = ${userId}) as my_rating
  from library_steps s left join users u on u.id = s.created_by`;

export async function listSteps(tx: Tx, userId: string, q: z.output<typeof stepQuery>) {
  const tsq = q.q ? tsQuery(q.q, 'all-prefix') : null;
  const tag = q.tag?.trim().toLowerCase() ?? null;
  const order = { rating: tx`rating_avg desc nulls last, rating_count desc`, recent: tx`created_at desc`, title: tx`title`, used: tx`use_count desc` }[q.sort];
  const rows = await tx<StepRow[]>`
    select * from (${selectSteps(tx, userId, tsq ? tx`ts_rank_cd(s.search, to_tsquery('english', ${tsq}), 32)` : undefined)}
      where (${q.kind ?? null}::text is null or s.node->>'kind' = ${q.kind ?? null})
        and (${tag}::text is null or ${tag} = any(s.tags))
        ${tsq ? tx`and s.search @@ to_tsquery('english', ${tsq})` : tx``}
    ) steps
    order by rank desc, ${order}, id
    limit ${q.limit}`;
  return rows.map(stepView);
}

async function stepRow(tx: Tx, userId: string, id: string): Promise<StepRow> {
  const [row] = await tx<[StepRow?]>`${selectSteps(tx, userId)} where s.id = ${id}`;
  if (!row) throw notFound('Step');
  return row;
}

export async function getStep(tx: Tx, userId: string, id: string) {
  const step = await stepRow(tx, userId, id);
  const reviews = await tx<ReviewRow[]>`
    select r.user_id, u.name as user_name, r.rating, r.review, r.updated_at
    from library_step_reviews r join users u on u.id = r.user_id where r.step_id = ${id} order by r.updated_at desc limit 200`;
  return { ...stepView(step), reviews: reviews.map(reviewView) };
}

export async function createStep(tx: Tx, auth: AuthContext, input: z.output<typeof stepInput>) {
  const [row] = await tx<[{ id: string }]>`
    insert into library_steps (account_id, title, description, category, tags, node, created_by)
    values (${auth.accountId}, ${input.node.title}, ${input.description}, ${input.category ?? null}, ${normaliseTags(input.tags)},
      ${tx.json(detached(input.node) as never)}, ${auth.userId})
    returning id`;
  return getStep(tx, auth.userId, row.id);
}

/** Its author changes or removes a step; so does a team admin. */
async function assertMayEdit(tx: Tx, auth: AuthContext, id: string): Promise<void> {
  const [row] = await tx<[{ created_by: string | null }?]>`select created_by from library_steps where id = ${id} for update`;
  if (!row) throw notFound('Step');
  if (row.created_by !== auth.userId && !roleAtLeast(auth.role, 'team_admin')) throw forbidden('Only the step’s author or a team admin can change or delete it.');
}

export async function updateStep(tx: Tx, auth: AuthContext, id: string, patch: z.output<typeof stepPatch>) {
  await assertMayEdit(tx, auth, id);
  await tx`
    update library_steps set
      title = coalesce(${patch.node?.title ?? null}, title),
      node = coalesce(${patch.node ? tx.json(detached(patch.node) as never) : null}::jsonb, node),
      description = coalesce(${patch.description ?? null}, description),
      category = ${patch.category === undefined ? tx`category` : patch.category},
      tags = coalesce(${patch.tags ? normaliseTags(patch.tags) : null}::text[], tags),
      updated_at = now()
    where id = ${id}`;
  return getStep(tx, auth.userId, id);
}

export async function deleteStep(tx: Tx, auth: AuthContext, id: string): Promise<void> {
  await assertMayEdit(tx, auth, id);
  await tx`delete from library_steps where id = ${id}`;
}

/** One rating per user per step: rating again replaces it. */
export async function rateStep(tx: Tx, auth: AuthContext, id: string, input: z.output<typeof ratingInput>) {
  await stepRow(tx, auth.userId, id);
  await tx`
    insert into library_step_reviews (account_id, step_id, user_id, rating, review)
    values (${auth.accountId}, ${id}, ${auth.userId}, ${input.rating}, ${input.review || null})
    on conflict (step_id, user_id) do update set rating = excluded.rating, review = excluded.review, updated_at = now()`;
  return getStep(tx, auth.userId, id);
}

export async function unrateStep(tx: Tx, auth: AuthContext, id: string) {
  await stepRow(tx, auth.userId, id);
  await tx`delete from library_step_reviews where step_id = ${id} and user_id = ${auth.userId}`;
  return getStep(tx, auth.userId, id);
}

/**
 * What the editor inserts: the node with a fresh id (unlikely to clash with the flow's own ids) and
 * unconnected options, and the step's use count goes up.
 */
export async function useStep(tx: Tx, id: string): Promise<FlowNode> {
  const [row] = await tx<[{ node: FlowNode }?]>`update library_steps set use_count = use_count + 1 where id = ${id} returning node`;
  if (!row) throw notFound('Step');
  const base = row.node.id.slice(0, 70).replace(/[^A-Za-z0-9_.:-]/g, '_');
  return { ...row.node, id: `${base}_${randomBytes(3).toString('hex')}` };
}
