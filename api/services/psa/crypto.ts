// AES-256-GCM for secrets at rest (the ConnectWise private key), bound to the owning account.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';

export class DecryptError extends Error {}

/**
 * `v1.<iv>.<ciphertext>.<tag>` (base64url). The account id is the additional authenticated data,
 * so a ciphertext copied into another account's row does not decrypt.
 */
export function encryptSecret(key: Uint8Array, plaintext: string, accountId: string): string {
  if (key.length !== 32) throw new TypeError('The encryption key must be 32 bytes.');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`flowpilot:psa:${accountId}`, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), ct.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

export function decryptSecret(key: Uint8Array, sealed: string, accountId: string): string {
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) throw new DecryptError('Unrecognised ciphertext format.');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(parts[1]!, 'base64url'));
    decipher.setAAD(Buffer.from(`flowpilot:psa:${accountId}`, 'utf8'));
    decipher.setAuthTag(Buffer.from(parts[3]!, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(parts[2]!, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    // Wrong key (FLOWPILOT_SECRET_KEY changed) or tampered data: never echo the input.
    throw new DecryptError('The stored ConnectWise private key cannot be decrypted (was FLOWPILOT_SECRET_KEY changed?). Enter the private key again.');
  }
}
