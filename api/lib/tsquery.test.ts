// The to_tsquery strings each mode builds: only words reach them, whatever the user typed.
import { describe, expect, it } from 'vitest';
import { tsQuery } from './tsquery.js';

describe('tsQuery', () => {
  it('all-prefix: every word, each as a prefix, stop words and repeats dropped', () => {
    expect(tsQuery('Reset the VPN vpn clie', 'all-prefix')).toBe('reset:* & vpn:* & clie:*');
  });

  it('any: any whole word', () => {
    expect(tsQuery('Outlook keeps crashing on start', 'any')).toBe('outlook | keeps | crashing | start');
  });

  it('any-prefix: any word of two letters or more, as a prefix', () => {
    expect(tsQuery('x AD sync', 'any-prefix')).toBe('ad:* | sync:*');
  });

  it('keeps operators and quotes a user typed out of the query', () => {
    for (const mode of ['all-prefix', 'any', 'any-prefix'] as const) {
      const q = tsQuery(`printer' & !(spooler) | <-> "jam":*`, mode)!;
      expect(q).not.toMatch(/[!()<>'"]/);
      expect(q.replace(/:\*/g, '').split(/ [&|] /)).toEqual(['printer', 'spooler', 'jam']);
    }
  });

  it('is null when nothing searchable is left', () => {
    expect(tsQuery('the and of', 'all-prefix')).toBeNull();
    expect(tsQuery('!!! ...', 'any')).toBeNull();
    expect(tsQuery('a b', 'any-prefix')).toBeNull();
  });
});
