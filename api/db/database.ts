// Opens PostgreSQL (embedded or DATABASE_URL), migrates it as the owner, and connects as the app role.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHmac } from 'node:crypto';
import path from 'node:path';
import postgres, { type Sql, type TransactionSql } from 'postgres';
import { AppError } from '../lib/errors.js';
import { migrate } from './migrate.js';
import { startEmbeddedPostgres, type EmbeddedServer } from './embedded.js';

export const APP_ROLE = 'flowpilot_app';

export type Tx = TransactionSql<Record<string, never>>;

/**
 * One tenant's transactions, for a service that must span a call to ConnectWise or a model: it opens a
 * short transaction per step instead of holding one (and its pooled connection) across the wait.
 */
export type TenantRunner = <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;

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
  /** A transaction with no tenant set (global tables: sign-in directory, throttling, health). */
  global<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface PoolGuards {
  /** How long a transaction may wait for a pooled connection before the request answers 503. */
  acquireTimeoutMs?: number;
}

const DEFAULT_ACQUIRE_TIMEOUT_MS = 5_000;

/** The pool stayed busy for the whole acquire timeout: a 503 the client may retry, never a hang. */
export const poolBusy = () =>
  new AppError(503, 'unavailable', 'The service is busy right now; try again in a moment.', { 'Retry-After': '2' });

class Abandoned extends Error {}

/**
 * The transaction a whole request runs in (an Idempotency-Key request whose key row and writes commit
 * together, see api/lib/idempotency.ts). While it is open, `tenant` on the same pool joins it as a
 * savepoint instead of asking the pool for a second connection: a request never waits for a connection
 * while it holds one, which is how ten concurrent keyed writes once froze a pool of ten.
 */
const requestTransaction = new AsyncLocalStorage<{ sql: Sql<Record<string, never>>; accountId: string; tx: Tx }>();

/** Runs `fn` (the rest of the request) with `tx` as the request's transaction for `db`'s tenant work. */
export function inRequestTransaction<T>(db: Database, accountId: string, tx: Tx, fn: () => Promise<T>): Promise<T> {
  return requestTransaction.run({ sql: db.sql, accountId, tx }, fn);
}

/**
 * `sql.begin` with an acquire timeout. postgres.js queues a transaction until a connection is free and
 * has no limit on that wait; when the timer wins, the request gets a 503 and the queued transaction is
 * marked abandoned, so once it does get a connection it rolls back at once and hands the connection back.
 */
function guardedBegin<T>(sql: Sql<Record<string, never>>, timeoutMs: number, fn: (tx: Tx) => Promise<T>): Promise<T> {
  let state: 'waiting' | 'running' | 'abandoned' = 'waiting';
  let timer: NodeJS.Timeout | undefined;
  const work = sql.begin(async (tx) => {
    if (state === 'abandoned') throw new Abandoned();
    state = 'running';
    clearTimeout(timer);
    return fn(tx as unknown as Tx);
  }) as Promise<T>;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      if (state !== 'waiting') return;
      state = 'abandoned';
      reject(poolBusy());
    }, timeoutMs);
  });
  work.then(
    () => clearTimeout(timer),
    () => clearTimeout(timer),
  );
  return Promise.race([work, timeout]);
}

export function makeDatabase(
  sql: Sql<Record<string, never>>,
  onClose: () => Promise<void> = async () => {},
  guards: PoolGuards = {},
): Database {
  const timeoutMs = guards.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS;
  return {
    sql,
    tenant<T>(ctx: TenantContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
      const open = requestTransaction.getStore();
      if (open && open.sql === sql) {
        // Joined as a savepoint: its writes commit (or roll back) with the request's transaction.
        if (open.accountId !== ctx.accountId) throw new Error('Tenant work for another account inside a request transaction.');
        return open.tx.savepoint((sp) => fn(sp as unknown as Tx)) as Promise<T>;
      }
      return guardedBegin(sql, timeoutMs, async (tx) => {
        // Pipelined, not awaited: the tenant settings go out on the transaction's connection first
        // and `fn`'s first statement right behind them in the same write, so the request waits for
        // one round trip fewer. PostgreSQL runs them in order, so RLS sees the settings on every
        // statement of `fn`. Should the settings fail, postgres.js records the error (its
        // transaction handler catches every query it runs), every later statement fails as
        // "transaction aborted", and the transaction rolls back with that first error.
        const context = tx`select set_config('app.current_account_id', ${ctx.accountId}, true),
                        set_config('app.current_user_id', ${ctx.userId ?? ''}, true)`.execute();
        const result = await fn(tx);
        await context;
        return result;
      });
    },
    global<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      return guardedBegin(sql, timeoutMs, fn);
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
  pool?: PoolOptions;
  log?: (msg: string) => void;
}

export interface PoolOptions extends PoolGuards {
  max?: number;
  /** Server-side guards for the app role's sessions (0 = PostgreSQL's default, no limit). */
  statementTimeoutMs?: number;
  idleInTransactionTimeoutMs?: number;
}

/** The pool settings configuration asks for (DATABASE_POOL_MAX and the time-outs). */
export const poolOptionsFrom = (c: { poolMax: number; acquireTimeoutMs: number; statementTimeoutMs: number; idleInTransactionTimeoutMs: number }): PoolOptions => ({
  max: c.poolMax,
  acquireTimeoutMs: c.acquireTimeoutMs,
  statementTimeoutMs: c.statementTimeoutMs,
  idleInTransactionTimeoutMs: c.idleInTransactionTimeoutMs,
});

export interface OpenedDatabase {
  db: Database;
  applied: string[];
  embedded?: EmbeddedServer;
}

/** A pool connected as the app role, with the options every FlowPilot process uses. */
export function connectAsApp(url: string, pool: PoolOptions = {}): Sql<Record<string, never>> {
  return postgres(url, {
    max: pool.max ?? 10,
    onnotice: () => {},
    // Reconnect delay after failed connects, in seconds. postgres.js's default grows to 10–20 s after a
    // few refused connects, so an API would stay down long after a database restart; capped at 2 s here.
    // Keep DATABASE_ACQUIRE_TIMEOUT_MS above the cap (default 5 s), or a request that lands on a connection
    // still waiting out its delay after a restart answers 503 although the database is back.
    backoff: (retries: number) => (0.5 + Math.random() / 2) * Math.min(0.1 * 2 ** retries, 2),
    connection: {
      application_name: 'flowpilot-api',
      // Nothing the API runs should take long: a runaway statement, or a transaction left open while
      // the process waits on something else, is cut off by the server instead of pinning a connection.
      statement_timeout: pool.statementTimeoutMs ?? 15_000,
      idle_in_transaction_session_timeout: pool.idleInTransactionTimeoutMs ?? 30_000,
    },
    transform: { undefined: null },
  }) as unknown as Sql<Record<string, never>>;
}

/** Opens the app-role pool and wraps it in the tenant-transaction helper, with the same guards. */
export function openAppDatabase(url: string, pool: PoolOptions = {}, onClose?: () => Promise<void>): Database {
  return makeDatabase(connectAsApp(url, pool), onClose, pool);
}

export class UnsafeAppRoleError extends Error {}

/**
 * Refuses to run as a role for which row-level security means nothing: a superuser or a role with
 * BYPASSRLS skips every policy, and a table owner skips them unless FORCE is set (and can drop it).
 */
export async function assertSafeAppRole(sql: Sql<Record<string, never>>): Promise<void> {
  const [me] = await sql<[{ name: string; rolsuper: boolean; rolbypassrls: boolean; owned: string[] }]>`
    select r.rolname as name, r.rolsuper, r.rolbypassrls,
           coalesce((select array_agg(c.relname::text order by c.relname) from pg_class c
                     where c.relowner = r.oid and c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'v', 'm')), '{}') as owned
    from pg_roles r where r.rolname = current_user`;
  const problems: string[] = [];
  if (me.rolsuper) problems.push('is a superuser');
  if (me.rolbypassrls) problems.push('has BYPASSRLS');
  if (me.owned.length) problems.push(`owns tables (${me.owned.slice(0, 5).join(', ')}${me.owned.length > 5 ? ', …' : ''})`);
  if (problems.length) {
    throw new UnsafeAppRoleError(
      `Refusing to start: the API's database role "${me.name}" ${problems.join(' and ')}, so row-level tenant isolation would not apply. ` +
        `Connect the API as the non-owner role ${APP_ROLE} (unset DATABASE_APP_URL to use it, or point it at a role that is not a superuser, owns no table and has NOBYPASSRLS).`,
    );
  }
}

/**
 * Migrates `ownerUrl` as the owner, gives the app role its password, and returns a pool as that role,
 * after checking that role is one RLS applies to. Every write here (the migrations table, the
 * migrations, the role's password) runs under the start-up advisory lock, so instances starting
 * together take turns instead of failing with "tuple concurrently updated".
 */
export async function migrateAndConnect(ownerUrl: string, opts: { secretKey: string; appUrl?: string; pool?: PoolOptions }) {
  const owner = postgres(ownerUrl, { max: 1, onnotice: () => {} });
  let applied: string[];
  const password = appRolePassword(opts.secretKey);
  try {
    applied = await migrate(owner, undefined, async (locked) => {
      if (opts.appUrl) return;
      await locked.unsafe(`alter role ${APP_ROLE} with login password '${password.replace(/'/g, "''")}'`);
    });
  } finally {
    await owner.end({ timeout: 5 });
  }
  const db = openAppDatabase(opts.appUrl ?? withUser(ownerUrl, APP_ROLE, password), opts.pool);
  try {
    await assertSafeAppRole(db.sql);
  } catch (err) {
    await db.sql.end({ timeout: 5 });
    throw err;
  }
  return { db, applied };
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
    const { db: opened, applied } = await migrateAndConnect(ownerUrl, {
      secretKey: opts.secretKey,
      appUrl: opts.databaseAppUrl,
      pool: opts.pool,
    });
    const db = makeDatabase(opened.sql, async () => {
      if (embedded) await embedded.stop();
    }, opts.pool);
    return { db, applied, embedded };
  } catch (err) {
    if (embedded) await embedded.stop();
    throw err;
  }
}
