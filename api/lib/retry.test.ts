// Retry timing shared by the ConnectWise client and the Anthropic provider.
import { describe, expect, it } from 'vitest';
import { backoffMs, retryAfterMs, retryWait } from './retry.js';

const headers = (h: Record<string, string>) => new Headers(h);
const policy = { baseMs: 100, maxMs: 1_000, maxRetryAfterMs: 5_000, retryAfterJitterMs: 250 };

describe('Retry-After', () => {
  it('reads seconds, an HTTP date and retry-after-ms; anything else is no hint', () => {
    expect(retryAfterMs(headers({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(headers({ 'retry-after': '0.5' }))).toBe(500);
    expect(retryAfterMs(headers({ 'retry-after': new Date(10_000).toUTCString() }), 4_000)).toBe(6000);
    expect(retryAfterMs(headers({ 'retry-after': new Date(1_000).toUTCString() }), 4_000)).toBe(0);
    expect(retryAfterMs(headers({ 'retry-after-ms': '1500', 'retry-after': '9' }))).toBe(1500);
    expect(retryAfterMs(headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterMs(headers({}))).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});

describe('waits', () => {
  it('back off exponentially with full jitter, capped', () => {
    expect(backoffMs({ ...policy, random: () => 1 }, 0)).toBe(100);
    expect(backoffMs({ ...policy, random: () => 1 }, 3)).toBe(800);
    expect(backoffMs({ ...policy, random: () => 1 }, 10)).toBe(1_000);
    expect(backoffMs({ ...policy, random: () => 0 }, 10)).toBe(0);
  });

  it('honour a Retry-After hint plus at most the allowed jitter, and refuse one that is too long', () => {
    expect(retryWait({ ...policy, random: () => 1 }, 5, 2_000)).toBe(2_250);
    expect(retryWait({ ...policy, random: () => 1, retryAfterJitterMs: 0 }, 5, 2_000)).toBe(2_000);
    expect(retryWait({ ...policy, random: () => 1 }, 1, undefined)).toBe(200);
    expect(retryWait(policy, 0, 5_001)).toBe('too_long');
  });
});
