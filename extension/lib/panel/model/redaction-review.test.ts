// The note preview's review line and list: what the API says it hid, summed by kind.
import { describe, expect, it } from 'vitest';
import type { NotePreview, RedactionSpot } from '../../common/api-types';
import { hiddenSummary, noteSpots } from './note';

describe('note redaction review', () => {
  it('says what was hidden ("3 hidden: 1 password, 2 keys"), leaving out spots un-hidden for this note', () => {
    const spots: RedactionSpot[] = [
      { id: 'a'.repeat(20), kind: 'password', marker: 1, revealed: false },
      { id: 'b'.repeat(20), kind: 'api key', marker: 2, revealed: false },
      { id: 'c'.repeat(20), kind: 'api key', marker: 3, revealed: false },
      { id: 'd'.repeat(20), kind: 'recovery code', marker: null, revealed: true },
    ];
    expect(hiddenSummary(spots)).toBe('3 hidden: 1 password, 2 keys');
    expect(hiddenSummary(spots.slice(3))).toBeNull();
    expect(hiddenSummary([])).toBeNull();
  });

  it('reads the spots from the resolution-note answer, and none from a plain-text answer', () => {
    const spot: RedactionSpot = { id: 'e'.repeat(20), kind: 'token', marker: 1, revealed: false };
    expect(noteSpots({ note: { text: 'x', redactionSpots: [spot, { junk: true }] } } as unknown as NotePreview)).toEqual([spot]);
    expect(noteSpots('plain text note')).toEqual([]);
    expect(noteSpots({ note: { text: 'x' } } as NotePreview)).toEqual([]);
  });
});
