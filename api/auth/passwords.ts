// Password hashing with scrypt (node:crypto), a per-user salt and a constant-time compare.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (password: string, salt: Buffer, keylen: number, opts: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(password.normalize('NFKC'), salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );

/** OWASP's scrypt guidance: N = 2^17, r = 8, p = 1. Config can lower log2(N) for test suites only. */
export const DEFAULT_SCRYPT_LOG_N = 17;
const R = 8;
const P = 1;
const KEYLEN = 32;

/** scrypt needs 128·N·r bytes; Node refuses anything above maxmem (default 32 MiB), so allow twice that. */
const maxmemFor = (n: number, r: number, p: number) => 256 * n * r + 128 * r * p + 1024 * 1024;

export interface HashCost {
  /** log2 of scrypt's N. */
  logN: number;
}

const costOf = (cost?: HashCost) => 2 ** (cost?.logN ?? DEFAULT_SCRYPT_LOG_N);

/** `scrypt$N$r$p$salt$key`: the stored hash records its own parameters, so they can be raised later. */
export async function hashPassword(password: string, cost?: HashCost): Promise<string> {
  const N = costOf(cost);
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEYLEN, { N, r: R, p: P, maxmem: maxmemFor(N, R, P) });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

function parse(stored: string) {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [, n, rr, pp, saltB64, keyB64] = parts as [string, string, string, string, string, string];
  const N = Number(n);
  const r = Number(rr);
  const p = Number(pp);
  // Refuse parameters no hash of ours has: a planted hash must not make sign-in allocate gigabytes.
  if (!Number.isInteger(N) || N < 2 || N > 2 ** 20 || (N & (N - 1)) !== 0 || !Number.isInteger(r) || r < 1 || r > 32 || !Number.isInteger(p) || p < 1 || p > 16) return null;
  return { N, r, p, salt: Buffer.from(saltB64, 'base64url'), key: Buffer.from(keyB64, 'base64url') };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const h = parse(stored);
  if (!h || h.key.length === 0) return false;
  const actual = await scrypt(password, h.salt, h.key.length, { N: h.N, r: h.r, p: h.p, maxmem: maxmemFor(h.N, h.r, h.p) });
  return actual.length === h.key.length && timingSafeEqual(actual, h.key);
}

/** True when a stored hash was made with weaker parameters than today's: rehash it at the next sign-in. */
export function needsRehash(stored: string, cost?: HashCost): boolean {
  const h = parse(stored);
  return !h || h.N < costOf(cost) || h.r < R || h.p < P || h.key.length < KEYLEN;
}

/** A hash of nothing, verified against when the email is unknown so both paths cost the same. */
const dummies = new Map<number, Promise<string>>();
export function dummyHash(cost?: HashCost): Promise<string> {
  const N = costOf(cost);
  let d = dummies.get(N);
  if (!d) {
    d = hashPassword(randomBytes(12).toString('hex'), cost);
    dummies.set(N, d);
  }
  return d;
}
