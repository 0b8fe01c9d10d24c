// Writes to ConnectWise that must happen exactly once although an answer can be lost: each write carries
// a marker line, and before any resend we look for that marker on the ticket.
import { randomBytes } from 'node:crypto';
import type { TenantRunner } from '../../db/database.js';
import { PsaError } from './connectwise/errors.js';

export const MARKER_PREFIX = 'FlowPilot ref ';
const REF_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: no I/L/O/U to misread

export function newRef(): string {
  const bytes = randomBytes(10);
  let s = '';
  for (const b of bytes) s += REF_ALPHABET[b & 31];
  return s;
}

export const markerLine = (ref: string) => `${MARKER_PREFIX}${ref}`;
export const hasMarker = (text: string, ref: string) => new RegExp(`${MARKER_PREFIX}${ref}(?![0-9A-Z])`).test(text);

/** A write that failed in a way that may still have stored it. */
export function outcomeUnknown(err: unknown): boolean {
  return err instanceof PsaError && (err.kind === 'unknown_outcome' || err.kind === 'timeout' || (err.kind === 'unavailable' && (err.details.status ?? 0) >= 500));
}

export type Delivery<T> = { ok: true; value: T; foundByMarker: boolean } | { ok: false; lastUnknown: unknown };

/**
 * Sends once, and again up to `attempts` times while the outcome is unknown — but only after `find`
 * (the marker lookup) says the earlier try did not land. `checkFirst` when an earlier request already
 * tried this write. Errors with a known outcome are thrown as they are.
 */
export async function deliverOnce<T>(o: {
  attempts: number;
  checkFirst: boolean;
  find: () => Promise<T | null>;
  send: () => Promise<T>;
  onUnknown: (err: unknown, attempt: number) => void;
}): Promise<Delivery<T>> {
  let mustCheck = o.checkFirst;
  let lastUnknown: unknown = null;
  for (let attempt = 1; attempt <= o.attempts; attempt++) {
    if (mustCheck) {
      const found = await o.find();
      if (found) return { ok: true, value: found, foundByMarker: true };
    }
    try {
      return { ok: true, value: await o.send(), foundByMarker: false };
    } catch (err) {
      if (!outcomeUnknown(err)) throw err;
      lastUnknown = err;
      mustCheck = true;
      o.onUnknown(err, attempt);
    }
  }
  return { ok: false, lastUnknown };
}

/** Frees a write's lease after a failure so a later request may retry it, noting why. */
export async function releaseLease(tenant: TenantRunner, table: 'psa_note_outbox' | 'psa_time_entries', id: string, err: unknown) {
  const message = err instanceof Error ? err.message.slice(0, 500) : 'unknown failure';
  await tenant((tx) => tx`update ${tx(table)} set lease_until = null, last_error = ${message}, updated_at = now() where id = ${id}`);
}
