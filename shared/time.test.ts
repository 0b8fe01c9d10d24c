// The worked-time rule both sides count with: pauses stop the clock, the end is the latest moment known.
import { describe, expect, it } from 'vitest';
import { MAX_MINUTES, minutesOf, workSpan } from './time';

const t0 = Date.parse('2026-03-02T09:00:00Z');
const at = (min: number) => new Date(t0 + min * 60_000).toISOString();

describe('workSpan', () => {
  it('runs from the start to the last timeline item, less the paused stretch', () => {
    const lane = [
      { kind: 'step', at: at(5) },
      { kind: 'status', at: at(10), status: 'paused' },
      { kind: 'status', at: at(40), status: 'active' },
      { kind: 'note', at: at(50) },
    ];
    expect(workSpan(t0, null, lane)).toEqual({ endMs: t0 + 50 * 60_000, pausedMs: 30 * 60_000, workMs: 20 * 60_000 });
  });

  it('takes a later end over the last item, and a pause still open stops the clock until the end', () => {
    const lane = [{ kind: 'status', at: at(10), status: 'paused' }];
    expect(workSpan(t0, t0 + 60 * 60_000, lane).workMs).toBe(10 * 60_000);
  });

  it('skips items whose time does not parse', () => {
    expect(workSpan(t0, null, [{ kind: 'status', at: 'soon', status: 'paused' }, { kind: 'note', at: at(7) }]).workMs).toBe(7 * 60_000);
  });
});

describe('minutesOf', () => {
  it('rounds up, logs at least a minute and at most a day', () => {
    expect(minutesOf(61_000)).toBe(2);
    expect(minutesOf(0)).toBe(1);
    expect(minutesOf(3 * 24 * 3_600_000)).toBe(MAX_MINUTES);
  });
});
