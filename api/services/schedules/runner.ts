// The maintenance scheduler every API instance runs: opens a session (and a ConnectWise ticket when it can) per target of each due schedule, once per due date.
import type { Tx } from '../../db/database.js';
import type { Deps } from '../../deps.js';
import { clientFor, readConnection } from '../psa/connection.js';
import type { RunRow, ScheduleRow, Target } from './index.js';
import { nextOccurrence } from './recurrence.js';

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 500);

/**
 * Claims one due date of a schedule: a run row per target (the unique (schedule, target, due_at) key
 * lets one instance win each) and moves next_due_at on, only if no one else moved it already. Missed
 * occurrences (the API was down for a month) collapse into this one run: the next due date counts
 * from now, so a schedule never fires a backlog.
 */
async function claimDue(tx: Tx, s: ScheduleRow, now: Date): Promise<RunRow[]> {
  const dueAt = s.next_due_at!;
  const runs = await tx<RunRow[]>`
    insert into maintenance_runs (account_id, schedule_id, target_id, target_name, due_at)
    select ${s.account_id}, ${s.id}, (t->>'id')::uuid, t->>'name', ${dueAt}
    from jsonb_array_elements(${tx.json(s.targets as never)}::jsonb) as t
    on conflict (schedule_id, target_id, due_at) do nothing
    returning *`;
  const next = nextOccurrence(s.recurrence, new Date(Math.max(now.getTime(), dueAt.getTime())));
  await tx`update maintenance_schedules set next_due_at = ${next} where id = ${s.id} and next_due_at = ${dueAt}`;
  return runs;
}

/** The session a run opens: the flow's current version on the run's ticket, owned by the assignee (or the schedule's author). */
async function openSession(tx: Tx, s: ScheduleRow, target: Target, run: RunRow, ticket: { psa: string; externalId: string }): Promise<string> {
  const [flow] = await tx<[{ id: string; version: number; graph: { start: string }; title: string }?]>`
    select id, version, graph, title from flows where id = ${s.flow_id} and deleted_at is null`;
  if (!flow) throw new Error('The schedule’s flow was deleted.');
  const summary = `${s.name} — ${target.name}`.slice(0, 500);
  const description = `Scheduled maintenance (${flow.title}) due ${run.due_at.toISOString()}.`;
  const [session] = await tx<[{ id: string }?]>`
    insert into ai_sessions (account_id, user_id, ticket_psa, ticket_external_id, ticket_summary, ticket_company, ticket_board,
      ticket_description, flow_id, flow_version, flow_graph, current_node_id)
    values (${s.account_id}, ${s.assignee_id ?? s.created_by}, ${ticket.psa}, ${ticket.externalId}, ${summary}, ${target.company},
      ${target.board}, ${description}, ${flow.id}, ${flow.version}, ${tx.json(flow.graph as never)}, ${flow.graph.start})
    on conflict (account_id, ticket_psa, ticket_external_id) where status in ('active', 'paused') do nothing
    returning id`;
  if (!session) throw new Error(`Ticket ${ticket.externalId} already has an open session.`);
  return session.id;
}

/**
 * One claimed run: with a connection, the schedule's ticket option and the target's company, a
 * ConnectWise ticket first (the network call holds no transaction), then the session on it. Without
 * them the session stands on its own, named by the run ('flowpilot' psa, 'M-' id), so it never
 * collides with a ConnectWise ticket number. Failures are recorded on the run, never thrown.
 */
async function openRun(deps: Deps, s: ScheduleRow, run: RunRow): Promise<void> {
  const tenant = <T>(fn: (tx: Tx) => Promise<T>) => deps.db.tenant({ accountId: s.account_id }, fn);
  const target = s.targets.find((t) => t.id === run.target_id)!;
  try {
    const conn = s.create_psa_ticket && target.companyIdentifier ? await tenant(readConnection) : undefined;
    let ticket = { psa: 'flowpilot', externalId: `M-${run.id.slice(0, 8)}` };
    if (conn && target.companyIdentifier) {
      const created = await clientFor(deps, conn).createTicket({
        summary: `${s.name} — ${target.name}`,
        companyIdentifier: target.companyIdentifier,
        boardName: target.board ?? undefined,
        initialDescription: `Scheduled maintenance opened by FlowPilot (due ${run.due_at.toISOString()}).`,
      });
      ticket = { psa: 'connectwise', externalId: String(created.id) };
      // Recorded at once: if the session insert fails, the history still says which ticket exists.
      await tenant((tx) => tx`update maintenance_runs set ticket_external_id = ${ticket.externalId} where id = ${run.id}`);
    }
    await tenant(async (tx) => {
      const sessionId = await openSession(tx, s, target, run, ticket);
      await tx`update maintenance_runs set status = 'opened', session_id = ${sessionId}, ticket_external_id = ${ticket.externalId}, finished_at = now()
               where id = ${run.id}`;
    });
  } catch (err) {
    deps.log.warn('maintenance run failed', { account: s.account_id, schedule: s.id, target: run.target_id, error: errorText(err) });
    await tenant((tx) => tx`update maintenance_runs set status = 'failed', error = ${errorText(err)}, finished_at = now() where id = ${run.id}`);
  }
}

/** Every account's due schedules, opened. Returns the runs this call claimed (others' claims are skipped). */
export async function runDueSchedules(deps: Deps, now = new Date()): Promise<number> {
  const accounts = await deps.db.global((tx) => tx<{ account_id: string }[]>`select distinct account_id from login_directory`);
  let opened = 0;
  for (const { account_id: accountId } of accounts) {
    try {
      const due = await deps.db.tenant({ accountId }, async (tx) => {
        // A run still 'opening' long after its claim lost its instance mid-way (a ConnectWise call is
        // bounded by seconds): the history says so instead of showing it in progress forever.
        await tx`update maintenance_runs set status = 'failed', error = 'The API instance opening this run stopped before it finished.', finished_at = now()
                 where status = 'opening' and created_at < now() - interval '15 minutes'`;
        return tx<ScheduleRow[]>`select * from maintenance_schedules where enabled and next_due_at <= ${now} order by next_due_at limit 100`;
      });
      for (const s of due) {
        const runs = await deps.db.tenant({ accountId }, (tx) => claimDue(tx, s, now));
        for (const run of runs) await openRun(deps, s, run);
        opened += runs.length;
      }
    } catch (err) {
      // One account's trouble (a bad row, a lost connection) does not stop the others' maintenance.
      deps.log.warn('maintenance scheduler failed for an account', { account: accountId, error: errorText(err) });
    }
  }
  return opened;
}

/** Checks every `intervalMs` (default one minute); passes never overlap in one process; the timer never keeps it alive. */
export function startScheduler(deps: Deps, opts: { intervalMs?: number } = {}): { stop(): Promise<void> } {
  let pass: Promise<unknown> | null = null;
  const tick = () =>
    (pass ??= runDueSchedules(deps)
      .catch((err: unknown) => deps.log.warn('maintenance scheduler pass failed', { error: errorText(err) }))
      .finally(() => (pass = null)));
  const every = opts.intervalMs ?? 60_000;
  const timer = every > 0 ? setInterval(tick, every) : null;
  timer?.unref();
  return {
    async stop() {
      if (timer) clearInterval(timer);
      await pass;
    },
  };
}
