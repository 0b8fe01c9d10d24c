// Applies the numbered SQL files in migrations/ in order, each once and in its own transaction.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sql } from 'postgres';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

export interface Migration {
  number: number;
  name: string;
  file: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  const migrations = files.map((file) => {
    const m = /^(\d{5})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!m) throw new MigrationError(`Migration file "${file}" must be named NNNNN_snake_name.sql`);
    const sql = readFileSync(path.join(dir, file), 'utf8');
    return { number: Number(m[1]), name: m[2]!, file, sql, checksum: createHash('sha256').update(sql).digest('hex') };
  });
  migrations.forEach((m, i) => {
    if (m.number !== i + 1) {
      throw new MigrationError(
        `Migration numbering has a gap: expected ${String(i + 1).padStart(5, '0')}_… but found ${m.file}. Migrations must be numbered contiguously from 00001.`,
      );
    }
  });
  return migrations;
}

/** The advisory lock every start-up write runs under (any API instance, any test harness). */
export const STARTUP_LOCK = 727274;

/**
 * Runs as the database owner, on a pool of exactly one connection (the session-level advisory lock
 * lives on that connection). Everything that writes — creating the migrations table, each migration,
 * and `andThen` (the app role's password) — runs while holding the lock, so several instances
 * starting at once take turns. Returns the files applied by this call.
 */
export async function migrate(sql: Sql, dir = MIGRATIONS_DIR, andThen?: (locked: Sql) => Promise<void>): Promise<string[]> {
  if (sql.options.max !== 1) throw new MigrationError('migrate() needs a pool of exactly one connection: the start-up lock is held by that connection.');
  const migrations = readMigrations(dir);
  await sql`select pg_advisory_lock(${STARTUP_LOCK})`;
  try {
    const done = await applyMigrations(sql, migrations);
    if (andThen) await andThen(sql);
    return done;
  } finally {
    await sql`select pg_advisory_unlock(${STARTUP_LOCK})`.catch(() => {});
  }
}

async function applyMigrations(sql: Sql, migrations: Migration[]): Promise<string[]> {
  await sql`create table if not exists schema_migrations (
    number integer primary key,
    name text not null,
    checksum text not null,
    applied_at timestamptz not null default now()
  )`;
  const applied = await sql<{ number: number; name: string }[]>`select number, name from schema_migrations order by number`;
  for (const row of applied) {
    if (!migrations.some((m) => m.number === row.number)) {
      throw new MigrationError(
        `Migration ${String(row.number).padStart(5, '0')}_${row.name} was applied to this database but its file is missing from migrations/.`,
      );
    }
  }
  const done: string[] = [];
  for (const m of migrations) {
    // Each file in its own transaction.
    await sql.begin(async (tx) => {
      const [row] = await tx<[{ checksum: string }?]>`select checksum from schema_migrations where number = ${m.number}`;
      if (row) {
        if (row.checksum !== m.checksum) {
          throw new MigrationError(
            `Migration ${m.file} was changed after it was applied (checksum differs). Applied migrations are immutable: revert the edit and add a new migration instead.`,
          );
        }
        return;
      }
      try {
        await tx.unsafe(m.sql);
      } catch (err) {
        throw new MigrationError(`Migration ${m.file} failed: ${(err as Error).message}`);
      }
      await tx`insert into schema_migrations (number, name, checksum) values (${m.number}, ${m.name}, ${m.checksum})`;
      done.push(m.file);
    });
  }
  return done;
}
