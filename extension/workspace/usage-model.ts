// The workspace's Usage section: what the models cost per month and tier, what each engineer closed and logged per
// week, and the documentation time measured per ticket. Team admins see everyone; others see their own figures.
import { signal, type ReadonlySignal } from '@preact/signals';
import type { OpResult } from '../lib/common/operations';
import type { CallApi, CallResult } from '../lib/common/protocol';
import type { Feedback } from './workspace-model';

export type UsageRow = OpResult<'usageReport'>['months'][number];
export type EngineerWeek = OpResult<'engineerReport'>['weeks'][number];
export type DocumentationReport = OpResult<'documentationReport'>;

export type Metric = 'costUsd' | 'tokens';
const valueOf = (r: UsageRow, metric: Metric) => (metric === 'costUsd' ? r.costUsd : r.inputTokens + r.outputTokens);

/** Every month from the first to the last ("YYYY-MM"), so a quiet month shows as an empty bar rather than vanishing. */
export function monthsBetween(first: string, last: string): string[] {
  const out: string[] = [];
  for (let [y, m] = first.split('-').map(Number) as [number, number]; `${y}-${String(m).padStart(2, '0')}` <= last; m === 12 ? ((m = 1), y++) : m++) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
  }
  return out;
}

/** One bar a month, one segment a tier, in the order tiers first appear. */
export function monthBars(rows: UsageRow[], metric: Metric) {
  const tiers = [...new Set(rows.map((r) => r.tier))];
  const seen = [...new Set(rows.map((r) => r.month))].sort();
  const months = seen.length ? monthsBetween(seen[0]!, seen[seen.length - 1]!) : [];
  const bars = months.map((month) => {
    const segments = tiers.map((tier) => ({ tier, value: rows.filter((r) => r.month === month && r.tier === tier).reduce((a, r) => a + valueOf(r, metric), 0) }));
    return { month, segments, total: segments.reduce((a, s) => a + s.value, 0) };
  });
  return { tiers, bars, max: Math.max(0, ...bars.map((b) => b.total)) };
}

/** Each engineer's weeks on the same axis (weeks with nothing count as zero). */
export function engineerSeries(rows: EngineerWeek[]) {
  const weeks = [...new Set(rows.map((r) => r.week))].sort();
  const people = [...new Map(rows.map((r) => [r.userId, r.name ?? 'a removed user'])).entries()];
  return {
    weeks,
    engineers: people.map(([userId, name]) => ({
      userId,
      name,
      weeks: weeks.map((week) => rows.find((r) => r.userId === userId && r.week === week) ?? { userId, name, week, resolved: 0, escalated: 0, minutesLogged: 0 }),
    })),
    max: Math.max(0, ...rows.map((r) => Math.max(r.resolved, r.escalated))),
  };
}

/** "4 min 05 s", "1 h 02 min", "12 s". */
export function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(seconds / 3600)} h ${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')} min`;
}

export function createUsageModel(call: CallApi, canManage: ReadonlySignal<boolean>, failure: (r: CallResult<unknown>) => string) {
  const usage = signal<UsageRow[]>([]);
  const engineers = signal<EngineerWeek[]>([]);
  const documentation = signal<DocumentationReport | null>(null);
  const metric = signal<Metric>('costUsd');
  const feedback = signal<Feedback>(null);

  async function load() {
    feedback.value = { kind: 'busy', text: 'Loading the reports…' };
    const [u, e, d] = await Promise.all([call('usageReport', undefined), call('engineerReport', undefined), call('documentationReport', undefined)]);
    const failed = [u, e, d].find((r) => !r.ok);
    if (u.ok) usage.value = u.data.months;
    if (e.ok) engineers.value = e.data.weeks;
    if (d.ok) documentation.value = d.data;
    feedback.value = failed
      ? { kind: 'error', text: `Some reports did not load: ${failure(failed)}` }
      : canManage.value
        ? null
        : { kind: 'ok', text: 'These are your own figures; team admins see the whole team.' };
  }

  return { usage, engineers, documentation, metric, feedback, load };
}

export type UsageModel = ReturnType<typeof createUsageModel>;
