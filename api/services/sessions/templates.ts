// Script templates from sessions: commands become pending drafts on resolve, approval turns a draft
// into a library template with provenance, and using a template counts.
import type { Tx } from '../../db/database.js';
import { conflict, notFound } from '../../lib/errors.js';
import { redact, type RedactionRules } from '../redaction/index.js';
import type { SessionRow } from './index.js';
import type { LaneItem } from './lane.js';

export interface DraftRow {
  id: string;
  account_id: string;
  session_id: string | null;
  lane_item_id: string | null;
  name: string;
  language: string;
  body: string;
  status: 'pending' | 'approved' | 'dismissed';
  source_user_id: string | null;
  source_ticket_ref: string | null;
  script_template_id: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  created_at: Date;
}

export interface ScriptTemplateRow {
  id: string;
  account_id: string;
  name: string;
  description: string;
  language: string;
  body: string;
  tags: string[];
  use_count: number;
  source_session_id: string | null;
  source_user_id: string | null;
  source_ticket_ref: string | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export const ticketRefOf = (s: Pick<SessionRow, 'ticket_psa' | 'ticket_external_id'>) => `${s.ticket_psa}#${s.ticket_external_id}`;

export const draftView = (d: DraftRow & { source_user_name?: string | null }) => ({
  id: d.id,
  name: d.name,
  language: d.language,
  body: d.body,
  status: d.status,
  provenance: {
    sessionId: d.session_id,
    laneItemId: d.lane_item_id,
    userId: d.source_user_id,
    userName: d.source_user_name ?? null,
    ticketRef: d.source_ticket_ref,
  },
  scriptTemplateId: d.script_template_id,
  decidedAt: d.decided_at?.toISOString() ?? null,
  createdAt: d.created_at.toISOString(),
});

export const scriptTemplateView = (t: ScriptTemplateRow & { source_user_name?: string | null }) => ({
  id: t.id,
  name: t.name,
  description: t.description,
  language: t.language,
  body: t.body,
  tags: t.tags,
  useCount: t.use_count,
  provenance: {
    sessionId: t.source_session_id,
    userId: t.source_user_id,
    userName: t.source_user_name ?? null,
    ticketRef: t.source_ticket_ref,
  },
  createdAt: t.created_at.toISOString(),
  updatedAt: t.updated_at.toISOString(),
});

/** A good-enough guess of the shell a command was written for. */
export function guessLanguage(command: string): 'powershell' | 'cmd' | 'bash' {
  if (/\b[A-Z][a-z]+-[A-Z][A-Za-z]+\b/.test(command) || /\$[A-Za-z_{]/.test(command)) return 'powershell';
  if (/^\s*(sudo|ls|grep|cat|systemctl|apt|yum|dnf|curl|chmod|chown|journalctl|df|du)\b/m.test(command)) return 'bash';
  return 'cmd';
}

/** A draft's name: the command's first meaningful words, and the ticket it came from. */
export function draftName(command: string, ticketExternalId: string): string {
  const first = command.trim().split('\n')[0]!.replace(/^\$\w+\s*=\s*/, '');
  const words = first.split(/\s+/).slice(0, 3).join(' ');
  const short = words.length > 60 ? words.slice(0, 57) + '…' : words;
  return `${short} (ticket #${ticketExternalId})`;
}

const normaliseBody = (body: string) => body.replace(/\r\n?/g, '\n').trim();

/**
 * Every command the engineer ran on this session becomes a pending draft with its provenance —
 * unless it came from the script library (its use was counted already), repeats a command already
 * drafted, or is exactly an existing template (then that template's use count rises instead).
 * Secrets in a command become placeholders such as <password> before anything is stored.
 */
export async function draftsFromCommands(tx: Tx, session: SessionRow, rules: RedactionRules): Promise<{ drafts: DraftRow[]; reusedTemplateIds: string[] }> {
  const commands = session.pending_task_lane.filter((i): i is LaneItem & { text: string } => i.kind === 'command' && !!i.text?.trim() && !i.templateId);
  const drafts: DraftRow[] = [];
  const reused: string[] = [];
  const seen = new Set<string>();
  for (const item of commands) {
    const body = normaliseBody(redact(item.text, rules, { marker: (kind) => `<${kind.replace(/ /g, '-')}>` }).text);
    if (seen.has(body)) continue;
    seen.add(body);
    const [template] = await tx<[{ id: string }?]>`
      update script_templates set use_count = use_count + 1, updated_at = now()
      where id = (select id from script_templates where body = ${body} order by created_at limit 1) returning id`;
    if (template) {
      reused.push(template.id);
      continue;
    }
    const [pending] = await tx<[{ id: string }?]>`select id from draft_templates where body = ${body} and status = 'pending' limit 1`;
    if (pending) continue;
    const [draft] = await tx<[DraftRow?]>`
      insert into draft_templates (account_id, session_id, lane_item_id, name, language, body, source_user_id, source_ticket_ref)
      values (${session.account_id}, ${session.id}, ${item.id}, ${draftName(body, session.ticket_external_id)}, ${guessLanguage(body)},
              ${body}, ${item.by}, ${ticketRefOf(session)})
      on conflict (session_id, lane_item_id) where lane_item_id is not null do nothing
      returning *`;
    if (draft) drafts.push(draft);
  }
  return { drafts, reusedTemplateIds: reused };
}

/**
 * The script of a fix the engineer decided to keep. "Save as draft template" makes a pending draft;
 * "build template now" puts an engineer-written fix straight into the shared library, but a fix the
 * copilot proposed (model output, which ticket text may have steered) goes through draft review like
 * any other draft: a team admin approves it before anyone sees it in the library.
 */
export async function templateFromFix(
  tx: Tx,
  session: Pick<SessionRow, 'id' | 'account_id' | 'ticket_psa' | 'ticket_external_id'>,
  fix: { title: string; body: string; origin: 'user' | 'copilot' },
  decision: 'draft_template' | 'build_template',
  userId: string,
): Promise<{ draft?: DraftRow; template?: ScriptTemplateRow }> {
  if (!fix.body.trim()) return {};
  const ticketRef = ticketRefOf(session);
  if (decision === 'build_template' && fix.origin === 'user') {
    const [template] = await tx<[ScriptTemplateRow]>`
      insert into script_templates (account_id, name, body, source_session_id, source_user_id, source_ticket_ref, created_by)
      values (${session.account_id}, ${fix.title}, ${fix.body}, ${session.id}, ${userId}, ${ticketRef}, ${userId}) returning *`;
    return { template };
  }
  const [draft] = await tx<[DraftRow]>`
    insert into draft_templates (account_id, session_id, name, body, source_user_id, source_ticket_ref)
    values (${session.account_id}, ${session.id}, ${fix.title}, ${fix.body}, ${userId}, ${ticketRef}) returning *`;
  return { draft };
}

export async function listDrafts(tx: Tx, status: DraftRow['status']) {
  const drafts = await tx<(DraftRow & { source_user_name: string | null })[]>`
    select d.*, u.name as source_user_name from draft_templates d left join users u on u.id = d.source_user_id
    where d.status = ${status} order by d.created_at desc, d.id limit 500`;
  return { drafts, pendingCount: await pendingDraftCount(tx) };
}

/** "N scripts ready to review": served by the partial index on pending drafts. */
export async function pendingDraftCount(tx: Tx): Promise<number> {
  const [count] = await tx<[{ n: number }]>`select count(*)::int as n from draft_templates where status = 'pending'`;
  return count.n;
}

async function lockPendingDraft(tx: Tx, id: string): Promise<DraftRow> {
  const [draft] = await tx<[DraftRow?]>`select * from draft_templates where id = ${id} for update`;
  if (!draft) throw notFound('Draft template');
  if (draft.status !== 'pending') throw conflict(`This draft was already ${draft.status}.`, 'draft_decided');
  return draft;
}

export interface ApproveInput {
  name?: string;
  description?: string;
  body?: string;
  language?: string;
  tags?: string[];
}

/** Approving makes the draft a script template that remembers where it came from. */
export async function approveDraft(tx: Tx, id: string, userId: string, input: ApproveInput = {}) {
  const draft = await lockPendingDraft(tx, id);
  const [template] = await tx<[ScriptTemplateRow]>`
    insert into script_templates (account_id, name, description, language, body, tags, source_session_id, source_user_id, source_ticket_ref, created_by)
    values (${draft.account_id}, ${input.name ?? draft.name}, ${input.description ?? ''}, ${input.language ?? draft.language},
            ${input.body ?? draft.body}, ${(input.tags ?? []).map((t) => t.trim().toLowerCase())}, ${draft.session_id}, ${draft.source_user_id},
            ${draft.source_ticket_ref}, ${userId})
    returning *`;
  const [updated] = await tx<[DraftRow]>`
    update draft_templates set status = 'approved', script_template_id = ${template.id}, decided_by = ${userId}, decided_at = now()
    where id = ${id} returning *`;
  return { draft: updated, template };
}

export async function dismissDraft(tx: Tx, id: string, userId: string): Promise<DraftRow> {
  await lockPendingDraft(tx, id);
  const [updated] = await tx<[DraftRow]>`
    update draft_templates set status = 'dismissed', decided_by = ${userId}, decided_at = now() where id = ${id} returning *`;
  return updated;
}

export async function getScriptTemplate(tx: Tx, id: string) {
  const [row] = await tx<[(ScriptTemplateRow & { source_user_name: string | null })?]>`
    select t.*, u.name as source_user_name from script_templates t left join users u on u.id = t.source_user_id where t.id = ${id}`;
  if (!row) throw notFound('Script template');
  return row;
}

export async function listScriptTemplates(tx: Tx, opts: { language?: string; limit?: number } = {}) {
  return tx<(ScriptTemplateRow & { source_user_name: string | null })[]>`
    select t.*, u.name as source_user_name from script_templates t left join users u on u.id = t.source_user_id
    where (${opts.language ?? null}::text is null or t.language = ${opts.language ?? null})
    order by t.use_count desc, t.name, t.id limit ${opts.limit ?? 200}`;
}

/** Counts one use of a template; returns the updated row. */
export async function useScriptTemplate(tx: Tx, id: string): Promise<ScriptTemplateRow> {
  const [row] = await tx<[ScriptTemplateRow?]>`
    update script_templates set use_count = use_count + 1, updated_at = now() where id = ${id} returning *`;
  if (!row) throw notFound('Script template');
  return row;
}
