// The recurrence subset: the dates an MSP would put in a calendar, across month ends, intervals and daylight-saving changes.
import { describe, expect, it } from 'vitest';
import { describeRecurrence, nextOccurrence, recurrenceSchema, type Recurrence } from './recurrence.js';

const rule = (r: Record<string, unknown>): Recurrence => recurrenceSchema.parse(r);
/** The next `n` occurrences after `from`, as ISO strings. */
function series(r: Recurrence, from: string, n: number): string[] {
  const out: string[] = [];
  let at = new Date(from);
  for (let i = 0; i < n; i++) {
    const next = nextOccurrence(r, at)!;
    out.push(next.toISOString());
    at = next;
  }
  return out;
}

describe('recurrence', () => {
  it('monthly on the second Tuesday (Patch Tuesday) at 22:00 UTC', () => {
    const r = rule({ freq: 'monthly', byWeekday: ['TU'], nth: 2, time: '22:00', startsOn: '2026-01-01' });
    expect(series(r, '2026-01-01T00:00:00Z', 4)).toEqual(['2026-01-13T22:00:00.000Z', '2026-02-10T22:00:00.000Z', '2026-03-10T22:00:00.000Z', '2026-04-14T22:00:00.000Z']);
    expect(describeRecurrence(r)).toBe('Monthly on the second Tuesday at 22:00 (UTC)');
  });

  it('keeps the wall-clock time in its zone across a daylight-saving change', () => {
    const r = rule({ freq: 'monthly', byWeekday: ['TU'], nth: 2, time: '22:00', timeZone: 'Europe/London', startsOn: '2026-01-01' });
    // 22:00 GMT in February is 22:00Z; 22:00 BST in April is 21:00Z.
    expect(series(r, '2026-02-01T00:00:00Z', 3)).toEqual(['2026-02-10T22:00:00.000Z', '2026-03-10T22:00:00.000Z', '2026-04-14T21:00:00.000Z']);
  });

  it('counts the zone’s own date: 23:30 in New York is the next day in UTC', () => {
    const r = rule({ freq: 'weekly', byWeekday: ['FR'], time: '23:30', timeZone: 'America/New_York', startsOn: '2026-06-01' });
    expect(series(r, '2026-06-01T00:00:00Z', 2)).toEqual(['2026-06-06T03:30:00.000Z', '2026-06-13T03:30:00.000Z']);
  });

  it('the last weekday, the last day and a day past a short month’s end', () => {
    const lastFriday = rule({ freq: 'monthly', byWeekday: ['FR'], nth: -1, time: '18:00', startsOn: '2026-01-01' });
    expect(series(lastFriday, '2026-01-01T00:00:00Z', 3)).toEqual(['2026-01-30T18:00:00.000Z', '2026-02-27T18:00:00.000Z', '2026-03-27T18:00:00.000Z']);
    const lastDay = rule({ freq: 'monthly', byMonthDay: -1, time: '06:00', startsOn: '2026-01-01' });
    expect(series(lastDay, '2026-01-01T00:00:00Z', 3)).toEqual(['2026-01-31T06:00:00.000Z', '2026-02-28T06:00:00.000Z', '2026-03-31T06:00:00.000Z']);
    const the31st = rule({ freq: 'monthly', byMonthDay: 31, time: '06:00', startsOn: '2026-01-01' });
    expect(series(the31st, '2026-01-01T00:00:00Z', 3)).toEqual(['2026-01-31T06:00:00.000Z', '2026-02-28T06:00:00.000Z', '2026-03-31T06:00:00.000Z']);
  });

  it('intervals count from the start date: every 2 weeks on Monday and Thursday, every 3 months, every other day', () => {
    const fortnightly = rule({ freq: 'weekly', interval: 2, byWeekday: ['MO', 'TH'], time: '08:00', startsOn: '2026-03-02' });
    expect(series(fortnightly, '2026-03-01T00:00:00Z', 4)).toEqual(['2026-03-02T08:00:00.000Z', '2026-03-05T08:00:00.000Z', '2026-03-16T08:00:00.000Z', '2026-03-19T08:00:00.000Z']);
    const quarterly = rule({ freq: 'monthly', interval: 3, byMonthDay: 1, time: '07:00', startsOn: '2026-02-01' });
    expect(series(quarterly, '2026-01-01T00:00:00Z', 3)).toEqual(['2026-02-01T07:00:00.000Z', '2026-05-01T07:00:00.000Z', '2026-08-01T07:00:00.000Z']);
    const everyOtherDay = rule({ freq: 'daily', interval: 2, time: '00:00', startsOn: '2026-01-01' });
    expect(series(everyOtherDay, '2026-01-01T12:00:00Z', 2)).toEqual(['2026-01-03T00:00:00.000Z', '2026-01-05T00:00:00.000Z']);
  });

  it('the next occurrence is strictly after the given instant', () => {
    const daily = rule({ freq: 'daily', time: '09:00', startsOn: '2026-01-01' });
    expect(nextOccurrence(daily, new Date('2026-05-05T09:00:00Z'))!.toISOString()).toBe('2026-05-06T09:00:00.000Z');
    expect(nextOccurrence(daily, new Date('2026-05-05T08:59:59Z'))!.toISOString()).toBe('2026-05-05T09:00:00.000Z');
  });

  it('refuses rules that say two things or nothing, with the reason', () => {
    const problems = (r: Record<string, unknown>) => recurrenceSchema.safeParse(r).error?.issues.map((i) => i.message).join('; ');
    expect(problems({ freq: 'monthly', byMonthDay: 3, byWeekday: ['TU'], nth: 2, startsOn: '2026-01-01' })).toMatch(/either byMonthDay, or one byWeekday with nth/);
    expect(problems({ freq: 'monthly', byWeekday: ['TU', 'WE'], nth: 2, startsOn: '2026-01-01' })).toMatch(/either byMonthDay/);
    expect(problems({ freq: 'weekly', startsOn: '2026-01-01' })).toMatch(/needs byWeekday/);
    expect(problems({ freq: 'daily', time: '25:00', startsOn: '2026-01-01' })).toMatch(/HH:MM/);
    expect(problems({ freq: 'daily', timeZone: 'Mars/Olympus', startsOn: '2026-01-01' })).toMatch(/IANA time zone/);
    expect(problems({ freq: 'daily', startsOn: '2026-13-45' })).toMatch(/real date/);
    expect(problems({ freq: 'daily', startsOn: '2026-02-30' })).toMatch(/real date/);
  });
});
