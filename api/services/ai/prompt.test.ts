// The suggestion prompt: stable prefix marked for caching, long histories trimmed to the token budget, everything redacted.
import { describe, expect, it } from 'vitest';
import type { LaneItem } from '../sessions/lane.js';
import { BUDGETS, buildSuggestionPrompt, estimateTokens, trimHistory, trimText, type SessionSnapshot } from './prompt.js';
import { validateModelSuggestion } from './structured.js';

const lane = (n: number): LaneItem[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `li_${i.toString(16).padStart(12, '0')}`,
    kind: 'note' as const,
    at: new Date(Date.UTC(2026, 10, 25, 9, i)).toISOString(),
    by: null,
    text: `Observation number ${i}: ${'checked the event log and the mailbox rules again '.repeat(3)}`,
  }));

const snapshot = (items: LaneItem[]): SessionSnapshot => ({
  ticket: { psa: 'connectwise', externalId: '4242', summary: 'Outlook keeps asking for a password', description: 'x'.repeat(30_000) + ' my password is Tr0ub4dor&3' },
  status: 'active',
  flow: null,
  lane: items,
  facts: [{ id: 'f1', text: 'Webmail works', sourceRef: 'ticket' }],
  fix: null,
  offline: { facts: [], confidence: 0.3, band: 'discovery', rationale: 'x', tier: 'offline', model: null },
});

describe('history trimming', () => {
  it('keeps the first item and the newest ones within the budget, and says how many it left out', () => {
    const lines = lane(200).map((i) => i.text!);
    const { lines: kept, omitted } = trimHistory(lines, 1000);
    expect(omitted).toBeGreaterThan(0);
    expect(kept[0]).toBe(lines[0]);
    expect(kept[1]).toMatch(new RegExp(`${omitted} earlier timeline item`));
    expect(kept.at(-1)).toBe(lines.at(-1));
    expect(kept.reduce((n, l) => n + estimateTokens(l) + 1, 0)).toBeLessThanOrEqual(1000);
  });

  it('leaves a short history alone', () => {
    const lines = lane(3).map((i) => i.text!);
    expect(trimHistory(lines, 1000)).toEqual({ lines, omitted: 0 });
  });

  it('keeps head and tail of a long description', () => {
    const t = trimText('A'.repeat(10_000) + 'END', 100);
    expect(t.startsWith('AAAA')).toBe(true);
    expect(t.endsWith('END')).toBe(true);
    expect(t).toMatch(/characters omitted/);
  });
});

describe('buildSuggestionPrompt', () => {
  it('caches the stable prefix, trims to the tier budget and redacts', () => {
    const built = buildSuggestionPrompt(snapshot(lane(300)), 'fast', (t) => t.replace(/Tr0ub4dor&3/g, '[redacted password]'));
    const [stable, dynamic] = built.request.messages[0]!.content as { type: 'text'; text: string; cache?: boolean }[];
    expect(built.request.system[0]!.cache).toBe(true);
    expect(stable!.cache).toBe(true);
    expect(dynamic!.cache).toBeUndefined();
    expect(built.omittedHistory).toBeGreaterThan(0);
    expect(estimateTokens(dynamic!.text)).toBeLessThan(BUDGETS.fast.history + 400);
    expect(estimateTokens(stable!.text)).toBeLessThan(BUDGETS.fast.description + BUDGETS.fast.flow + 200);
    expect(JSON.stringify(built.request)).not.toContain('Tr0ub4dor&3');
    expect(dynamic!.text).toContain('[lane:li_');
    const deep = buildSuggestionPrompt(snapshot(lane(300)), 'deep', (t) => t);
    expect(deep.omittedHistory).toBeLessThan(built.omittedHistory);
  });
});

describe('validateModelSuggestion', () => {
  const ctx = { laneIds: new Set(['li_000000000001']), currentNodeId: 'owa' };
  it('accepts a good answer and checks references', () => {
    expect(validateModelSuggestion({ facts: [{ text: 'x', sourceRef: 'lane:li_000000000001' }], confidence: 0.5, rationale: 'r' }, ctx).ok).toBe(true);
    const bad = validateModelSuggestion({ facts: [{ text: 'x', sourceRef: 'lane:li_ffffffffffff' }], nextStep: { title: 't', nodeId: 'other' }, confidence: 2, rationale: '' }, ctx);
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.issues.join('\n')).toMatch(/confidence/);
      expect(bad.issues.join('\n')).toMatch(/sourceRef/);
      expect(bad.issues.join('\n')).toMatch(/nodeId/);
    }
    expect(validateModelSuggestion(undefined, ctx)).toEqual({ ok: false, issues: ['you did not call the propose_suggestion tool'] });
  });
});
