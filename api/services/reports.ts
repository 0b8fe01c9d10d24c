// Reports for team leads: model usage per month and tier, sessions and time per engineer per week, and documentation time measured per ticket.
import { z } from 'zod';
import type { Tx } from '../db/database.js';
import { badRequest, forbidden } from '../lib/errors.js';
import { roleAtLeast, type AuthContext } from '../auth/tokens.js';

const DAY_MS = 86_400_000;
/** 2026-02-30 parses (to 2 March) in JavaScript: a real date reads back as itself. */
const realDate = (s: string) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD').refine((s) => realDate(s), 'must be a real date');

export const reportQuery = z
  .object({ from: isoDate.optional(), to: isoDate.optional(), userId: z.string().uuid('must be a user id').optional() })
  .refine((q) => !q.from || !q.to || q.from <= q.to, 'from must not be after to');

export interface Range {
  from: Date;
  /** Exclusive: the day after the `to` date. */
  until: Date;
}

/** `to` defaults to today, `from` to `defaultDays` before it; both are whole UTC days, at most two years apart. */
export function rangeOf(q: { from?: string; to?: string }, now: Date, defaultDays: number): Range {
  const until = q.to ? new Date(Date.parse(`${q.to}T00:00:00Z`) + DAY_MS) : new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS + DAY_MS);
  const from = q.from ? new Date(`${q.from}T00:00:00Z`) : new Date(until.getTime() - defaultDays * DAY_MS);
  if (until.getTime() - from.getTime() > 731 * DAY_MS) throw badRequest('A report covers at most two years; narrow from/to.');
  return { from, until };
}

/**
 * Whose rows a report covers: a team admin (or super admin) sees everyone, or one person with
 * ?userId; engineers and viewers see themselves, and asking for someone else is a 403.
 */
export function subjectOf(auth: AuthContext, userId: string | undefined): string | null {
  if (roleAtLeast(auth.role, 'team_admin')) return userId ?? null;
  if (userId && userId !== auth.userId) throw forbidden('Engineers see their own figures; team admins see everyone’s.');
  return auth.userId;
}

/** Tokens and cost per calendar month (UTC) and model tier ('embedding' for embedding calls). */
export async function usageByMonthAndTier(tx: Tx, range: Range, userId: string | null) {
  const rows = await tx<{ month: string; tier: string; calls: number; input_tokens: string; output_tokens: string; cost_usd: number }[]>`
    select to_char(date_trunc('month', created_at at time zone 'UTC'), 'YYYY-MM') as month,
      coalesce(tier, case when feature = 'embedding' then 'embedding' else 'none' end) as tier,
      count(*)::int as calls,
      sum(input_tokens + cache_creation_input_tokens + cache_read_input_tokens) as input_tokens,
      sum(output_tokens) as output_tokens,
      sum(cost_usd)::float8 as cost_usd
    from ai_usage
    where created_at >= ${range.from} and created_at < ${range.until}
      and (${userId}::uuid is null or user_id = ${userId})
    group by 1, 2 order by 1, 2`;
  return rows.map((r) => ({ month: r.month, tier: r.tier, calls: r.calls, inputTokens: Number(r.input_tokens), outputTokens: Number(r.output_tokens), costUsd: Math.round(r.cost_usd * 1e6) / 1e6 }));
}

/** Per engineer and ISO week (Monday, UTC): sessions resolved and escalated (by when they ended) and minutes logged to ConnectWise. */
export async function engineerWeeks(tx: Tx, range: Range, userId: string | null) {
  const rows = await tx<{ user_id: string; name: string | null; week: string; resolved: number; escalated: number; minutes_logged: number }[]>`
    with closed as (
      select user_id, date_trunc('week', ended_at at time zone 'UTC') as week,
        count(*) filter (where status = 'resolved')::int as resolved, count(*) filter (where status = 'escalated')::int as escalated
      from ai_sessions
      where status in ('resolved', 'escalated') and ended_at >= ${range.from} and ended_at < ${range.until} and user_id is not null
        and (${userId}::uuid is null or user_id = ${userId})
      group by 1, 2
    ), logged as (
      select created_by as user_id, date_trunc('week', time_start at time zone 'UTC') as week, sum(minutes)::int as minutes
      from psa_time_entries
      where status = 'logged' and time_start >= ${range.from} and time_start < ${range.until} and created_by is not null
        and (${userId}::uuid is null or created_by = ${userId})
      group by 1, 2
    )
    select coalesce(c.user_id, l.user_id) as user_id, u.name, to_char(coalesce(c.week, l.week), 'YYYY-MM-DD') as week,
      coalesce(c.resolved, 0) as resolved, coalesce(c.escalated, 0) as escalated, coalesce(l.minutes, 0) as minutes_logged
    from closed c full join logged l on l.user_id = c.user_id and l.week = c.week
    left join users u on u.id = coalesce(c.user_id, l.user_id)
    order by 3, 2, 1`;
  return rows.map((r) => ({ userId: r.user_id, name: r.name, week: r.week, resolved: r.resolved, escalated: r.escalated, minutesLogged: r.minutes_logged }));
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]! : null);

/**
 * Documentation time measured per ticket: from the fix the engineer accepted (the last accept of a
 * suggested fix — one-off or kept as a template — before the note went out) to the resolution note
 * posted to ConnectWise. Sessions without both moments are not measured, never estimated.
 */
export async function documentationTimes(tx: Tx, range: Range, userId: string | null) {
  const rows = await tx<{ session_id: string; ticket_external_id: string; ticket_summary: string | null; ticket_company: string | null; user_id: string | null; name: string | null; accepted_at: Date; posted_at: Date; seconds: number }[]>`
    select s.id as session_id, s.ticket_external_id, s.ticket_summary, s.ticket_company, s.user_id, u.name,
      f.accepted_at, s.resolution_note_posted_at as posted_at,
      extract(epoch from s.resolution_note_posted_at - f.accepted_at)::float8 as seconds
    from ai_sessions s
    cross join lateral (
      select max(x.decided_at) as accepted_at from session_suggested_fixes x
      where x.session_id = s.id and x.decision in ('one_off', 'draft_template', 'build_template') and x.decided_at <= s.resolution_note_posted_at
    ) f
    left join users u on u.id = s.user_id
    where s.resolution_note_posted_at >= ${range.from} and s.resolution_note_posted_at < ${range.until} and f.accepted_at is not null
      and (${userId}::uuid is null or s.user_id = ${userId})
    order by s.resolution_note_posted_at desc
    limit 1001`;
  const truncated = rows.length > 1000;
  const tickets = rows.slice(0, 1000).map((r) => ({
    sessionId: r.session_id,
    ticketExternalId: r.ticket_external_id,
    summary: r.ticket_summary,
    company: r.ticket_company,
    userId: r.user_id,
    engineer: r.name,
    fixAcceptedAt: r.accepted_at.toISOString(),
    notePostedAt: r.posted_at.toISOString(),
    seconds: Math.round(r.seconds),
  }));
  const secs = tickets.map((t) => t.seconds).sort((a, b) => a - b);
  const summary = {
    tickets: secs.length,
    medianSeconds: percentile(secs, 0.5),
    p90Seconds: percentile(secs, 0.9),
    averageSeconds: secs.length ? Math.round(secs.reduce((a, b) => a + b, 0) / secs.length) : null,
  };
  return { summary, tickets, truncated };
}
