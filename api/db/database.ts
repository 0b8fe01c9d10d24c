// Opens PostgreSQL (embedded or DATABASE_URL), migrates it as the owner, and connects as the app role.
import { createHmac } from 'node:crypto';
import path from 'node:path';
import postgres, { type Sql, type TransactionSql } from 'postgres';
import { migrate } from './migrate.js';
import { startEmbeddedPostgres, type EmbeddedServer } from './embedded.js';

export const APP_ROLE = 'flowpilot_app';

export type Tx = TransactionSql<Record<string, never>>;

export interface TenantContext {
  accountId: string;
  userId?: string | null;
}

export interface Database {
  /** Pool connected as the non-owner app role. Use `tenant` for tenant tables. */
  sql: Sql<Record<string, never>>;
  /**
   * The only way route code reaches tenant tables: one transaction that first sets
   * app.current_account_id (and app.current_user_id) locally, so RLS applies and nothing leaks
   * to the next user of the pooled connection.
   */
  tenant<T>(ctx: TenantContext, fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function makeDatabase(sql: Sql<Record<string, never>>, onClose: () => Promise<void> = async () => {}): Database {
  return {
    sql,
    async tenant<T>(ctx: TenantContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
      return (await sql.begin(async (tx) => {
        await tx`select set_config('app.current_account_id', ${ctx.accountId}, true),
                        set_config('app.current_user_id', ${ctx.userId ?? ''}, true)`;
        return fn(tx as unknown as Tx);
      })) as T;
    },
    async close() {
      await sql.end({ timeout: 5 });
      await onClose();
    },
  };
}


/** The app role's password is derived from the secret key, so nothing extra has to be configured or stored. */
export function appRolePassword(secretKey: string): string {
  return createHmac('sha256', secretKey).update('flowpilot_app database password').digest('base64url');
}

export function withUser(url: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(user);
  u.password = encodeURIComponent(password);
  return u.toString();
}

export interface OpenOptions {
  databaseUrl?: string;
  databaseAppUrl?: string;
  dataDir: string;
  secretKey: string;
  maxConnections?: number;
  log?: (msg: string) => void;
}

export interface OpenedDatabase {
  db: Database;
  applied: string[];
  embedded?: EmbeddedServer;
}

/** A pool connected as the app role, with the options every FlowPilot process uses. */
export function connectAsApp(url: string, maxConnections = 10): Sql<Record<string, never>> {
  return postgres(url, {
    max: maxConnections,
    onnotice: () => {},
    connection: { application_name: 'flowpilot-api' },
    transform: { undefined: null },
  }) as unknown as Sql<Record<string, never>>;
}

/** Migrates `ownerUrl` as the owner, gives the app role its password, and returns a pool as that role. */
export async function migrateAndConnect(ownerUrl: string, opts: { secretKey: string; appUrl?: string; maxConnections?: number }) {
  const owner = postgres(ownerUrl, { max: 1, onnotice: () => {} });
  let applied: string[];
  const password = appRolePassword(opts.secretKey);
  try {
    applied = await migrate(owner);
    if (!opts.appUrl) await owner.unsafe(`alter role ${APP_ROLE} with login password '${password.replace(/'/g, "''")}'`);
  } finally {
    await owner.end({ timeout: 5 });
  }
  const sql = connectAsApp(opts.appUrl ?? withUser(ownerUrl, APP_ROLE, password), opts.maxConnections);
  return { sql, applied };
}

export async function openDatabase(opts: OpenOptions): Promise<OpenedDatabase> {
  let embedded: EmbeddedServer | undefined;
  let ownerUrl = opts.databaseUrl;
  if (!ownerUrl) {
    embedded = await startEmbeddedPostgres(path.join(opts.dataDir, 'db'));
    const admin = postgres(embedded.url('postgres'), { max: 1, onnotice: () => {} });
    try {
      const [exists] = await admin`select 1 from pg_database where datname = 'flowpilot'`;
      if (!exists) await admin.unsafe('create database flowpilot');
    } finally {
      await admin.end({ timeout: 5 });
    }
    ownerUrl = embedded.url('flowpilot');
    opts.log?.(`Embedded PostgreSQL running on 127.0.0.1:${embedded.port} (data in ${path.join(opts.dataDir, 'db')})`);
  }
  try {
    const { sql, applied } = await migrateAndConnect(ownerUrl, {
      secretKey: opts.secretKey,
      appUrl: opts.databaseAppUrl,
      maxConnections: opts.maxConnections,
    });
    const db = makeDatabase(sql, async () => {
      if (embedded) await embedded.stop();
    });
    return { db, applied, embedded };
  } catch (err) {
    if (embedded) await embedded.stop();
    throw err;
  }
}
