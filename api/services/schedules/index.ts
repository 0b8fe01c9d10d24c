// Maintenance schedules: a maintenance flow run on a recurrence for each of its targets, with the run history per target.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Tx } from '../../db/database.js';
import { notFound, unprocessable } from '../../lib/errors.js';
import { describeRecurrence, nextOccurrence, recurrenceSchema, type Recurrence } from './recurrence.js';

export const targetSchema = z
  .object({
    /** Kept across edits so a target's run history follows it; new targets get one. */
    id: z.string().uuid('must be a target id').optional(),
    name: z.string().trim().min(1).max(200),
    company: z.string().trim().max(300).nullish(),
    /** The ConnectWise company identifier: with it (and a connection) each run opens a ticket. */
    companyIdentifier: z.string().trim().regex(/^[\w .&'-]{1,100}$/, 'must be a ConnectWise company identifier').nullish(),
    board: z.string().trim().max(300).nullish(),
  })
  .strict();
export type Target = { id: string; name: string; company: string | null; companyIdentifier: string | null; board: string | null };

export const scheduleInput = z
  .object({
    name: z.string().trim().min(1).max(200),
    flowId: z.string().uuid('must be a flow id'),
    recurrence: recurrenceSchema,
    targets: z.array(targetSchema).min(1).max(200),
    assigneeId: z.string().uuid('must be a user id').nullish(),
    createPsaTicket: z.boolean().default(true),
    enabled: z.boolean().default(true),
  })
  .strict();
export const schedulePatch = scheduleInput.partial().strict();
export type ScheduleInput = z.output<typeof scheduleInput>;
export type SchedulePatch = z.output<typeof schedulePatch>;

export interface ScheduleRow {
  id: string;
  account_id: string;
  name: string;
  flow_id: string;
  recurrence: Recurrence;
  targets: Target[];
  assignee_id: string | null;
  create_psa_ticket: boolean;
  enabled: boolean;
  next_due_at: Date | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface RunRow {
  id: string;
  schedule_id: string;
  target_id: string;
  target_name: string;
  due_at: Date;
  status: 'opening' | 'opened' | 'failed';
  session_id: string | null;
  ticket_external_id: string | null;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

export const runView = (r: RunRow) => ({
  id: r.id,
  scheduleId: r.schedule_id,
  targetId: r.target_id,
  targetName: r.target_name,
  dueAt: r.due_at.toISOString(),
  status: r.status,
  sessionId: r.session_id,
  ticketExternalId: r.ticket_external_id,
  error: r.error,
  finishedAt: r.finished_at?.toISOString() ?? null,
});

export function scheduleView(s: ScheduleRow, lastRuns: RunRow[] = []) {
  const last = new Map(lastRuns.map((r) => [r.target_id, r]));
  return {
    id: s.id,
    name: s.name,
    flowId: s.flow_id,
    recurrence: s.recurrence,
    recurrenceText: describeRecurrence(s.recurrence),
    targets: s.targets.map((t) => ({ ...t, lastRun: last.has(t.id) ? runView(last.get(t.id)!) : null })),
    assigneeId: s.assignee_id,
    createPsaTicket: s.create_psa_ticket,
    enabled: s.enabled,
    nextDueAt: s.next_due_at?.toISOString() ?? null,
    createdBy: s.created_by,
    createdAt: s.created_at.toISOString(),
    updatedAt: s.updated_at.toISOString(),
  };
}

/** A schedule runs a maintenance flow of this account that still exists. */
async function checkFlow(tx: Tx, flowId: string): Promise<void> {
  const [flow] = await tx<[{ kind: string }?]>`select kind from flows where id = ${flowId} and deleted_at is null`;
  if (!flow) throw notFound('Flow');
  if (flow.kind !== 'maintenance') throw unprocessable(`A maintenance schedule runs a maintenance flow; this flow is ${flow.kind}.`, 'not_a_maintenance_flow');
}

async function checkAssignee(tx: Tx, userId: string | null | undefined): Promise<void> {
  if (!userId) return;
  const [user] = await tx<[{ role: string; disabled_at: Date | null }?]>`select role, disabled_at from users where id = ${userId}`;
  if (!user) throw notFound('User');
  if (user.disabled_at || user.role === 'viewer') throw unprocessable('The assignee must be an active user who can work sessions (not a viewer).', 'bad_assignee');
}

/** Targets keep the ids they were given (if they are this schedule's) and new ones get fresh ids. */
function withIds(targets: z.output<typeof targetSchema>[], existing: Target[] = []): Target[] {
  const known = new Set(existing.map((t) => t.id));
  return targets.map((t) => ({
    id: t.id && known.has(t.id) ? t.id : randomUUID(),
    name: t.name,
    company: t.company ?? null,
    companyIdentifier: t.companyIdentifier ?? null,
    board: t.board ?? null,
  }));
}

export async function createSchedule(tx: Tx, who: { accountId: string; userId: string }, input: ScheduleInput, now = new Date()): Promise<ScheduleRow> {
  await checkFlow(tx, input.flowId);
  await checkAssignee(tx, input.assigneeId);
  const next = input.enabled ? nextOccurrence(input.recurrence, now) : null;
  const [row] = await tx<[ScheduleRow]>`
    insert into maintenance_schedules (account_id, name, flow_id, recurrence, targets, assignee_id, create_psa_ticket, enabled, next_due_at, created_by)
    values (${who.accountId}, ${input.name}, ${input.flowId}, ${tx.json(input.recurrence as never)}, ${tx.json(withIds(input.targets) as never)},
      ${input.assigneeId ?? null}, ${input.createPsaTicket}, ${input.enabled}, ${next}, ${who.userId})
    returning *`;
  return row;
}

export async function getSchedule(tx: Tx, id: string, lock = false): Promise<ScheduleRow> {
  const [row] = lock
    ? await tx<[ScheduleRow?]>`select * from maintenance_schedules where id = ${id} for update`
    : await tx<[ScheduleRow?]>`select * from maintenance_schedules where id = ${id}`;
  if (!row) throw notFound('Maintenance schedule');
  return row;
}

export async function updateSchedule(tx: Tx, id: string, patch: SchedulePatch, now = new Date()): Promise<ScheduleRow> {
  const current = await getSchedule(tx, id, true);
  if (patch.flowId) await checkFlow(tx, patch.flowId);
  if (patch.assigneeId) await checkAssignee(tx, patch.assigneeId);
  const recurrence = patch.recurrence ?? current.recurrence;
  const enabled = patch.enabled ?? current.enabled;
  // A new rule, or switching back on, counts from now: nothing missed while off is run late.
  const next = !enabled ? null : patch.recurrence || !current.enabled || !current.next_due_at ? nextOccurrence(recurrence, now) : current.next_due_at;
  const targets = patch.targets ? withIds(patch.targets, current.targets) : current.targets;
  const [row] = await tx<[ScheduleRow]>`
    update maintenance_schedules set
      name = ${patch.name ?? current.name},
      flow_id = ${patch.flowId ?? current.flow_id},
      recurrence = ${tx.json(recurrence as never)},
      targets = ${tx.json(targets as never)},
      assignee_id = ${patch.assigneeId === undefined ? current.assignee_id : patch.assigneeId},
      create_psa_ticket = ${patch.createPsaTicket ?? current.create_psa_ticket},
      enabled = ${enabled},
      next_due_at = ${next},
      updated_at = now()
    where id = ${id} returning *`;
  return row;
}

/** The latest run of each target of the given schedules. */
export async function lastRuns(tx: Tx, scheduleIds: string[]): Promise<RunRow[]> {
  if (!scheduleIds.length) return [];
  return tx<RunRow[]>`
    select distinct on (schedule_id, target_id) * from maintenance_runs
    where schedule_id = any(${scheduleIds}::uuid[]) order by schedule_id, target_id, due_at desc`;
}
