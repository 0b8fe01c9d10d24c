// Recurrence rules for maintenance schedules: a small subset of iCalendar's RRULE (daily, weekly, monthly by day or nth weekday) in a time zone.
import { z } from 'zod';

export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
const DAY_NAMES: Record<Weekday, string> = { MO: 'Monday', TU: 'Tuesday', WE: 'Wednesday', TH: 'Thursday', FR: 'Friday', SA: 'Saturday', SU: 'Sunday' };
const NTH_NAMES: Record<number, string> = { 1: 'first', 2: 'second', 3: 'third', 4: 'fourth', [-1]: 'last' };

/** 2026-02-30 parses (to 2 March) in JavaScript: a real date reads back as itself. */
const realDate = (s: string) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

const validTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/**
 * freq + interval as in RRULE. weekly: byWeekday (one or more days). monthly: byMonthDay (1–31, or
 * -1 for the last day; a day past the month's end means its last day, so "the 31st" runs every month)
 * or one byWeekday with nth (1–4, or -1 for the last: "the second Tuesday" is {byWeekday:['TU'], nth:2}).
 * `time` is the wall-clock time in `timeZone`; intervals count from `startsOn`.
 */
export const recurrenceSchema = z
  .object({
    freq: z.enum(['daily', 'weekly', 'monthly']),
    interval: z.number().int().min(1).max(12).default(1),
    byWeekday: z.array(z.enum(WEEKDAYS)).min(1).max(7).optional(),
    nth: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(-1)]).optional(),
    byMonthDay: z.number().int().min(-1).max(31).refine((n) => n !== 0, 'must be 1–31 or -1 (the last day)').optional(),
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)').default('09:00'),
    timeZone: z.string().max(64).refine(validTimeZone, 'must be an IANA time zone such as Europe/London').default('UTC'),
    startsOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD').refine((s) => realDate(s), 'must be a real date'),
  })
  .strict()
  .superRefine((r, ctx) => {
    const problem = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (r.freq === 'daily' && (r.byWeekday || r.nth || r.byMonthDay)) problem('a daily rule takes no byWeekday, nth or byMonthDay');
    if (r.freq === 'weekly' && (!r.byWeekday || r.nth || r.byMonthDay)) problem('a weekly rule needs byWeekday (and no nth or byMonthDay)');
    if (r.freq === 'monthly') {
      const byDay = r.byMonthDay !== undefined;
      const byNth = r.nth !== undefined && r.byWeekday?.length === 1;
      if (byDay === byNth || (byDay && r.byWeekday) || (!byDay && r.nth === undefined)) problem('a monthly rule needs either byMonthDay, or one byWeekday with nth');
    }
  });

export type Recurrence = z.output<typeof recurrenceSchema>;

const DAY_MS = 86_400_000;

/** The zone's offset from UTC at an instant, in ms (positive east of Greenwich). */
function offsetMs(timeZone: string, instant: number): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - Math.floor(instant / 1000) * 1000;
}

/** The instant a wall-clock time in a zone names (in a DST gap, the shifted time the clocks show). */
function zonedInstant(day: number, minutes: number, timeZone: string): number {
  const wall = day * DAY_MS + minutes * 60_000;
  let t = wall - offsetMs(timeZone, wall);
  t = wall - offsetMs(timeZone, t);
  return t;
}

/** The zone's calendar day (days since 1970-01-01) at an instant. */
function zonedDay(instant: number, timeZone: string): number {
  return Math.floor((instant + offsetMs(timeZone, instant)) / DAY_MS);
}

const dateOf = (day: number) => new Date(day * DAY_MS);
const weekdayOf = (day: number): Weekday => WEEKDAYS[(dateOf(day).getUTCDay() + 6) % 7]!;
const daysInMonth = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();

function occursOn(r: Recurrence, day: number, start: number): boolean {
  if (day < start) return false;
  if (r.freq === 'daily') return (day - start) % r.interval === 0;
  if (r.freq === 'weekly') {
    const monday = (d: number) => d - ((dateOf(d).getUTCDay() + 6) % 7);
    return r.byWeekday!.includes(weekdayOf(day)) && ((monday(day) - monday(start)) / 7) % r.interval === 0;
  }
  const d = dateOf(day);
  const s = dateOf(start);
  const months = (d.getUTCFullYear() - s.getUTCFullYear()) * 12 + d.getUTCMonth() - s.getUTCMonth();
  if (months % r.interval !== 0) return false;
  const dom = d.getUTCDate();
  const last = daysInMonth(d);
  if (r.byMonthDay !== undefined) return r.byMonthDay === -1 ? dom === last : dom === Math.min(r.byMonthDay, last);
  if (weekdayOf(day) !== r.byWeekday![0]) return false;
  return r.nth === -1 ? dom + 7 > last : Math.ceil(dom / 7) === r.nth;
}

/** The first occurrence strictly after `after` (null if none within ten years, which a valid rule never hits). */
export function nextOccurrence(r: Recurrence, after: Date): Date | null {
  const start = Date.parse(`${r.startsOn}T00:00:00Z`) / DAY_MS;
  const [hh, mm] = r.time.split(':').map(Number) as [number, number];
  const minutes = hh * 60 + mm;
  // A day before the zone's current day: an occurrence late yesterday in UTC may still be ahead in the zone.
  for (let day = Math.max(start, zonedDay(after.getTime(), r.timeZone) - 1), end = day + 3660; day <= end; day++) {
    if (!occursOn(r, day, start)) continue;
    const at = zonedInstant(day, minutes, r.timeZone);
    if (at > after.getTime()) return new Date(at);
  }
  return null;
}

/** "Monthly on the second Tuesday at 22:00 (Europe/London)" — for lists and run history. */
export function describeRecurrence(r: Recurrence): string {
  const every = (unit: string) => (r.interval === 1 ? (unit === 'day' ? 'Daily' : unit === 'week' ? 'Weekly' : 'Monthly') : `Every ${r.interval} ${unit}s`);
  const at = ` at ${r.time} (${r.timeZone})`;
  if (r.freq === 'daily') return every('day') + at;
  if (r.freq === 'weekly') return `${every('week')} on ${r.byWeekday!.map((d) => DAY_NAMES[d]).join(', ')}${at}`;
  if (r.byMonthDay !== undefined) return `${every('month')} on ${r.byMonthDay === -1 ? 'the last day' : `day ${r.byMonthDay}`}${at}`;
  return `${every('month')} on the ${NTH_NAMES[r.nth!]} ${DAY_NAMES[r.byWeekday![0]!]}${at}`;
}
