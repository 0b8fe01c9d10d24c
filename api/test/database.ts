// A throwaway, migrated database for test runs: embedded PostgreSQL in a temp dir, or a fresh database on DATABASE_URL's server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { startEmbeddedPostgres, type EmbeddedServer } from '../db/embedded.js';
import { migrate } from '../db/migrate.js';
import { APP_ROLE, appRolePassword, withUser } from '../db/database.js';
import { TEST_SECRET_KEY } from './secret.js';

export interface ThrowawayDatabase {
  /** Owner (migrations) URL: bypasses RLS; tests use it only to look behind the API's back. */
  ownerUrl: string;
  /** The non-owner app role the API connects as. */
  appUrl: string;
  drop(): Promise<void>;
}

export interface RestartableDatabase extends ThrowawayDatabase {
  /** Its own embedded server: stop() is a fast shutdown, start() brings it back on the same data and port. */
  server: EmbeddedServer;
}

/**
 * A throwaway database on an embedded PostgreSQL of its own (even when DATABASE_URL is set), kept on disk
 * across stop()/start() so a test can take the database away under a running API and bring it back.
 */
export async function createRestartableDatabase(label = 'restart'): Promise<RestartableDatabase> {
  const tmp = mkdtempSync(path.join(tmpdir(), 'flowpilot-test-'));
  let server: EmbeddedServer | undefined;
  try {
    server = await startEmbeddedPostgres(tmp, { persistent: true });
    const db = await createThrowawayDatabase(label, { server, tmp });
    return { ...db, server };
  } catch (err) {
    await server?.stop().catch(() => {});
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

export async function createThrowawayDatabase(label = 'test', own?: { server: EmbeddedServer; tmp: string }): Promise<ThrowawayDatabase> {
  const dbName = `flowpilot_${label}_${process.pid}_${Date.now().toString(36)}`;
  let serverUrl: (db: string) => string;
  let stopServer = async () => {};
  let tmp: string | undefined;
  let adminDb = 'postgres';
  if (own) {
    serverUrl = own.server.url;
    stopServer = () => own.server.stop();
    tmp = own.tmp;
  } else if (process.env.DATABASE_URL) {
    const base = new URL(process.env.DATABASE_URL);
    adminDb = base.pathname.slice(1) || 'postgres';
    serverUrl = (db) => {
      const u = new URL(base);
      u.pathname = '/' + db;
      return u.toString();
    };
  } else {
    tmp = mkdtempSync(path.join(tmpdir(), 'flowpilot-test-'));
    const server = await startEmbeddedPostgres(tmp, { persistent: false });
    serverUrl = server.url;
    stopServer = () => server.stop();
  }
  const admin = postgres(serverUrl(adminDb), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${dbName}`);
  const ownerUrl = serverUrl(dbName);
  const owner = postgres(ownerUrl, { max: 1, onnotice: () => {} });
  try {
    const password = appRolePassword(TEST_SECRET_KEY);
    await migrate(owner, undefined, async (locked) => {
      await locked.unsafe(`alter role ${APP_ROLE} with login password '${password}'`);
    });
    return {
      ownerUrl,
      appUrl: withUser(ownerUrl, APP_ROLE, password),
      async drop() {
        await admin.unsafe(`drop database if exists ${dbName} with (force)`).catch(() => {});
        await admin.end({ timeout: 5 });
        await stopServer();
        if (tmp) rmSync(tmp, { recursive: true, force: true });
      },
    };
  } finally {
    await owner.end({ timeout: 5 });
  }
}
