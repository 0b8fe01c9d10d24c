// Redaction against the corpus: every secret in the positives is removed; the negatives come through untouched.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PREFERENCES } from '../settings.js';
import { NEGATIVES, POSITIVES } from './corpus.js';
import { findSecrets, luhnValid, redact, rulesFromPreferences } from './index.js';

describe('redaction corpus', () => {
  it('has a real corpus', () => {
    expect(POSITIVES.length).toBeGreaterThanOrEqual(40);
    expect(NEGATIVES.length).toBeGreaterThanOrEqual(30);
  });

  it('recall is 100% on the positives', () => {
    const missed: string[] = [];
    for (const sample of POSITIVES) {
      const out = redact(sample.text).text;
      for (const secret of sample.secrets) if (out.includes(secret)) missed.push(`${JSON.stringify(sample.text)} → ${JSON.stringify(out)}`);
      if (!/\[redacted [a-z ]+\]/.test(out)) missed.push(`no marker in ${JSON.stringify(out)}`);
    }
    expect(missed).toEqual([]);
  });

  it('redacts nothing in the negatives', () => {
    const touched = NEGATIVES.map((text) => ({ text, out: redact(text).text })).filter((r) => r.out !== r.text);
    expect(touched).toEqual([]);
  });

  it('keeps the words around a secret, so the note still reads', () => {
    expect(redact('Reset password for jdoe, temp password is Winter2026! and told her by phone').text).toBe(
      'Reset password for jdoe, temp password is [redacted password] and told her by phone',
    );
    expect(redact('Server=NW-SQL01;User Id=qb;Password=Qb$2026secure;').text).toBe('Server=NW-SQL01;User Id=qb;Password=[redacted connection string];');
  });

  it('counts what it removed, by kind', () => {
    const r = redact('password: Hunter2 and card 4111 1111 1111 1111');
    expect(r.counts).toEqual({ password: 1, 'card number': 1 });
  });

  it('applies the account words and patterns from settings', () => {
    const rules = rulesFromPreferences({ redaction: { patterns: ['CUST-\\d{6}'], words: ['Project Falcon', 'acme-internal'] } });
    const r = redact('Project Falcon host acme-internal.local, customer CUST-004211; falconry is fine', rules);
    expect(r.text).toBe('[redacted account word] host [redacted account word].local, customer [redacted account pattern]; falconry is fine');
    expect(redact('Project Falcon', rulesFromPreferences(DEFAULT_PREFERENCES)).text).toBe('Project Falcon');
  });

  it('takes a custom marker (templates use placeholders)', () => {
    expect(redact('net user jdoe N3wStart!2026 /add', undefined, { marker: (k) => `<${k}>` }).text).toBe('net user jdoe <password> /add');
  });

  it('merges overlapping findings into one span', () => {
    const spans = findSecrets('password=Password=Abc123!x');
    expect(spans).toHaveLength(1);
  });

  it('checks card numbers with Luhn', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
  });
});
