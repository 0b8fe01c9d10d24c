// The Usage section's chart arithmetic: a bar a month stacked by tier, engineers on one week axis, durations in words.
import { describe, expect, it } from 'vitest';
import { duration, engineerSeries, monthBars, monthsBetween } from './usage-model';

const usage = (month: string, tier: string, costUsd: number, inputTokens = 0, outputTokens = 0) => ({ month, tier, calls: 1, inputTokens, outputTokens, costUsd });

describe('usage charts', () => {
  it('stacks each month by tier, with a zero segment for a tier a month did not use', () => {
    const { tiers, bars, max } = monthBars([usage('2026-11', 'fast', 0.5, 100, 10), usage('2026-12', 'deep', 2, 900, 50), usage('2026-12', 'fast', 0.25)], 'costUsd');
    expect(tiers).toEqual(['fast', 'deep']);
    expect(bars).toEqual([
      { month: '2026-11', segments: [{ tier: 'fast', value: 0.5 }, { tier: 'deep', value: 0 }], total: 0.5 },
      { month: '2026-12', segments: [{ tier: 'fast', value: 0.25 }, { tier: 'deep', value: 2 }], total: 2.25 },
    ]);
    expect(max).toBe(2.25);
    expect(monthBars([usage('2026-12', 'deep', 2, 900, 50)], 'tokens').bars[0]!.total).toBe(950);
  });

  it('keeps a quiet month as an empty bar, across a year end', () => {
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    const { bars } = monthBars([usage('2026-10', 'fast', 1), usage('2026-12', 'fast', 2)], 'costUsd');
    expect(bars.map((b) => [b.month, b.total])).toEqual([['2026-10', 1], ['2026-11', 0], ['2026-12', 2]]);
  });

  it('puts every engineer on the same weeks, a week without figures counting as zero', () => {
    const s = engineerSeries([
      { userId: 'a', name: 'Ann', week: '2026-11-23', resolved: 3, escalated: 1, minutesLogged: 90 },
      { userId: 'b', name: null, week: '2026-11-30', resolved: 0, escalated: 2, minutesLogged: 0 },
    ]);
    expect(s.weeks).toEqual(['2026-11-23', '2026-11-30']);
    expect(s.engineers.map((e) => e.name)).toEqual(['Ann', 'a removed user']);
    expect(s.engineers[0]!.weeks[1]).toMatchObject({ week: '2026-11-30', resolved: 0, escalated: 0, minutesLogged: 0 });
    expect(s.max).toBe(3);
  });

  it('says durations in seconds, minutes or hours', () => {
    expect([duration(null), duration(12), duration(245), duration(3720)]).toEqual(['—', '12 s', '4 min 05 s', '1 h 02 min']);
  });
});
