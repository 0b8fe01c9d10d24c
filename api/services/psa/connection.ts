// An account's ConnectWise connection: stored with the private key encrypted, turned into a client on demand.
import type { Tx } from '../../db/database.js';
import type { Deps } from '../../deps.js';
import { AppError, psaFailure, unprocessable } from '../../lib/errors.js';
import { ConnectWiseClient, normalizeCodebase, type ClientOptions } from './connectwise/client.js';
import { PsaError } from './connectwise/errors.js';
import { SiteError, siteOrigins } from './connectwise/site.js';
import { decryptSecret, DecryptError, encryptSecret } from './crypto.js';
import type { NoteTextProvider } from './posting.js';

export interface PsaDeps {
  client?: ClientOptions;
  /** Renders the note to post for a session (see posting.ts); defaults to the notes service's redacted rendering. */
  noteText?: NoteTextProvider;
  /** How long one request may hold a note's outbox row while posting (default 60 s). */
  postLeaseMs?: number;
  /** Post attempts within one request when the outcome of a post is unknown (default 3). */
  postAttempts?: number;
  /** How long a board's statuses are served from psa_board_statuses (default 10 min). */
  boardStatusTtlMs?: number;
}

export interface ConnectionRow {
  account_id: string;
  psa: 'connectwise';
  site: string;
  company_id: string;
  public_key: string;
  client_id: string;
  private_key_encrypted: string;
  codebase: string | null;
  /** IANA; kept by the connection test (migration 00010). */
  server_time_zone?: string | null;
  updated_at: Date;
  updated_by: string | null;
}

export interface ConnectionInput {
  site: string;
  companyId: string;
  publicKey: string;
  clientId: string;
  /** Write-only; omitted on update keeps the stored one. */
  privateKey?: string;
}

/** What routes may show: everything but the private key. */
export function connectionView(row: ConnectionRow) {
  return {
    psa: row.psa,
    site: row.site,
    companyId: row.company_id,
    publicKey: row.public_key,
    clientId: row.client_id,
    codebase: row.codebase,
    serverTimeZone: row.server_time_zone ?? null,
    privateKeySet: true,
    updatedAt: row.updated_at.toISOString(),
  };
}

export async function readConnection(tx: Tx): Promise<ConnectionRow | undefined> {
  const [row] = await tx<[ConnectionRow?]>`select * from psa_connections`;
  return row;
}

export async function requireConnection(tx: Tx): Promise<ConnectionRow> {
  const row = await readConnection(tx);
  if (!row) throw unprocessable('No ConnectWise connection is set up for this account. A team admin can add one in the options page (ConnectWise connection).', 'psa_not_configured');
  return row;
}

export function normalizeSite(site: string): string {
  try {
    siteOrigins(site);
  } catch (err) {
    if (err instanceof SiteError) throw new AppError(400, 'invalid_input', `Invalid body: site: ${err.message}`);
    throw err;
  }
  return site.trim().replace(/\/+$/, '');
}

export async function saveConnection(tx: Tx, deps: Deps, who: { accountId: string; userId: string }, input: ConnectionInput): Promise<ConnectionRow> {
  const site = normalizeSite(input.site);
  const existing = await readConnection(tx);
  if (!existing && !input.privateKey) throw new AppError(400, 'invalid_input', 'Invalid body: privateKey: required when the connection is first saved.');
  if (existing && !input.privateKey) assertKeyStaysBound(existing, { site, companyId: input.companyId, publicKey: input.publicKey });
  const sealed = input.privateKey ? encryptSecret(deps.keys.encryption, input.privateKey, who.accountId) : existing!.private_key_encrypted;
  // A different server or company may run another codebase: rediscover it.
  const codebase = existing && existing.site === site && existing.company_id === input.companyId ? existing.codebase : null;
  const [row] = await tx<[ConnectionRow]>`
    insert into psa_connections (account_id, site, company_id, public_key, client_id, private_key_encrypted, codebase, updated_by)
    values (${who.accountId}, ${site}, ${input.companyId}, ${input.publicKey}, ${input.clientId}, ${sealed}, ${codebase}, ${who.userId})
    on conflict (account_id) do update set
      site = excluded.site, company_id = excluded.company_id, public_key = excluded.public_key, client_id = excluded.client_id,
      private_key_encrypted = excluded.private_key_encrypted, codebase = excluded.codebase, updated_at = now(), updated_by = excluded.updated_by
    returning *`;
  return row;
}

/**
 * The stored private key is only ever sent to the site, company id and public key it was saved with:
 * otherwise anyone holding an admin token for a few minutes could point the connection at their own
 * server and receive the key. Changing any of the three needs the private key again.
 */
export function assertKeyStaysBound(stored: Pick<ConnectionRow, 'site' | 'company_id' | 'public_key'>, next: { site: string; companyId: string; publicKey: string }): void {
  const changed = [
    next.site !== stored.site && 'site',
    next.companyId !== stored.company_id && 'companyId',
    next.publicKey !== stored.public_key && 'publicKey',
  ].filter(Boolean);
  if (changed.length) {
    throw new AppError(
      400,
      'private_key_required',
      `The stored private key is only ever sent to the site, company id and public key it was saved with; to change ${changed.join(', ')}, send the privateKey again.`,
    );
  }
}

export async function deleteConnection(tx: Tx): Promise<boolean> {
  const rows = await tx`delete from psa_connections returning account_id`;
  return rows.length > 0;
}

/** A client for the stored connection (or a candidate being tested), with the private key decrypted in memory only. */
export function clientFor(deps: Deps, row: Pick<ConnectionRow, 'account_id' | 'site' | 'company_id' | 'public_key' | 'client_id' | 'private_key_encrypted' | 'codebase'>, privateKey?: string): ConnectWiseClient {
  let key = privateKey;
  if (key === undefined) {
    try {
      key = decryptSecret(deps.keys.encryption, row.private_key_encrypted, row.account_id);
    } catch (err) {
      if (err instanceof DecryptError) throw psaFailure(err.message, 'psa_key_unreadable');
      throw err;
    }
  }
  return new ConnectWiseClient(
    { site: row.site, companyId: row.company_id, publicKey: row.public_key, privateKey: key, clientId: row.client_id, codebase: row.codebase },
    {
      network: deps.config.psaNetwork,
      ...deps.psa?.client,
      onRetry: (info) => {
        deps.log.warn('connectwise retry', { ...info });
        deps.psa?.client?.onRetry?.(info);
      },
    },
  );
}

/** Remembers a discovered codebase so later requests skip the companyinfo call. */
export async function rememberCodebase(tx: Tx, row: ConnectionRow, client: ConnectWiseClient): Promise<void> {
  const cb = normalizeCodebase(await client.codebase());
  if (cb !== row.codebase) await tx`update psa_connections set codebase = ${cb} where account_id = ${row.account_id} and site = ${row.site}`;
}

/** Keeps the server's time zone as the connection test found it (the default zone of the account's notes). */
export async function rememberServerTimeZone(tx: Tx, row: ConnectionRow, timeZone: string | null): Promise<void> {
  if (timeZone !== (row.server_time_zone ?? null)) await tx`update psa_connections set server_time_zone = ${timeZone} where account_id = ${row.account_id} and site = ${row.site}`;
}

/** ConnectWise failures as our 502 with a distinct code and a message the user can act on. */
export function toAppError(err: unknown): unknown {
  if (err instanceof PsaError) {
    if (err.kind === 'bad_site') return new AppError(400, 'invalid_input', `Invalid ConnectWise site: ${err.message}`);
    // A rule of this deployment, not a ConnectWise failure: 422, so it is not mistaken for an outage.
    if (err.kind === 'blocked_address') return new AppError(422, 'psa_blocked_address', err.message);
    return psaFailure(err.message, err.code);
  }
  return err;
}

/** Runs a ConnectWise call, turning its failures into our 502s. */
export async function cw<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toAppError(err);
  }
}
