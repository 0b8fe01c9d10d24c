// Private keys at rest: AES-256-GCM, fresh IV each time, bound to the account, tamper-evident.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptSecret, DecryptError, encryptSecret } from './crypto.js';

const key = new Uint8Array(randomBytes(32));
const account = '5b0f7a1e-0000-4000-8000-000000000001';

describe('encryptSecret', () => {
  it('round-trips, never contains the plaintext, and differs on every call', () => {
    const a = encryptSecret(key, 'my-private-key', account);
    const b = encryptSecret(key, 'my-private-key', account);
    expect(a).not.toBe(b);
    expect(a).not.toContain('my-private-key');
    expect(a).not.toContain(Buffer.from('my-private-key').toString('base64url'));
    expect(decryptSecret(key, a, account)).toBe('my-private-key');
  });

  it('refuses another key, another account, and tampered data without echoing them', () => {
    const sealed = encryptSecret(key, 'secret', account);
    expect(() => decryptSecret(new Uint8Array(randomBytes(32)), sealed, account)).toThrow(DecryptError);
    expect(() => decryptSecret(key, sealed, '5b0f7a1e-0000-4000-8000-000000000002')).toThrow(DecryptError);
    const parts = sealed.split('.');
    parts[2] = Buffer.from('xxxxxx').toString('base64url');
    expect(() => decryptSecret(key, parts.join('.'), account)).toThrow(/cannot be decrypted/);
    expect(() => decryptSecret(key, 'plain-text', account)).toThrow(DecryptError);
    expect(() => encryptSecret(new Uint8Array(16), 'x', account)).toThrow(/32 bytes/);
  });
});
