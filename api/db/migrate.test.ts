// The migration runner: applies each file once, in order, and refuses gaps and edited history.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrate, readMigrations } from './migrate.js';

let admin: postgres.Sql;
let sql: postgres.Sql;
const dbName = `flowpilot_migrate_${process.pid}_${Date.now().toString(36)}`;

beforeAll(async () => {
  const owner = new URL(inject('ownerUrl'));
  admin = postgres(owner.toString(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${dbName}`);
  owner.pathname = '/' + dbName;
  sql = postgres(owner.toString(), { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await sql.end();
  await admin.unsafe(`drop database if exists ${dbName} with (force)`);
  await admin.end();
});

function dir(files: Record<string, string>) {
  const d = mkdtempSync(path.join(tmpdir(), 'fp-migrations-'));
  for (const [name, body] of Object.entries(files)) writeFileSync(path.join(d, name), body);
  return d;
}

describe('migrations', () => {
  it('the project\'s own migrations are contiguous and well named', () => {
    const ms = readMigrations();
    expect(ms.length).toBeGreaterThan(0);
    expect(ms.map((m) => m.number)).toEqual(ms.map((_, i) => i + 1));
  });

  it('applies files in order, each once, recording checksums', async () => {
    const d = dir({ '00001_a.sql': 'create table t1 (x int);', '00002_b.sql': 'insert into t1 values (1);' });
    expect(await migrate(sql, d)).toEqual(['00001_a.sql', '00002_b.sql']);
    expect(await migrate(sql, d)).toEqual([]);
    const [n] = await sql`select count(*)::int as n from t1`;
    expect(n!.n).toBe(1);
    const rows = await sql`select number, name, length(checksum) as len from schema_migrations order by number`;
    expect(rows).toEqual([
      { number: 1, name: 'a', len: 64 },
      { number: 2, name: 'b', len: 64 },
    ]);
  });

  it('rolls back a failing file completely and names it', async () => {
    const d = dir({
      '00001_a.sql': 'create table t1 (x int);',
      '00002_b.sql': 'insert into t1 values (1);',
      '00003_c.sql': 'create table t3 (y int); select 1/0;',
    });
    await expect(migrate(sql, d)).rejects.toThrow(/00003_c\.sql failed/);
    const [t3] = await sql`select to_regclass('t3') as t`;
    expect(t3!.t).toBeNull();
    const [n] = await sql`select count(*)::int as n from schema_migrations`;
    expect(n!.n).toBe(2);
  });

  it('refuses a gap in numbering', async () => {
    const d = dir({ '00001_a.sql': 'select 1;', '00003_c.sql': 'select 1;' });
    await expect(migrate(sql, d)).rejects.toThrow(/gap: expected 00002_/);
  });

  it('refuses a changed applied file', async () => {
    const d = dir({ '00001_a.sql': 'create table t1 (x int); -- edited', '00002_b.sql': 'insert into t1 values (1);' });
    await expect(migrate(sql, d)).rejects.toThrow(/00001_a\.sql was changed after it was applied/);
  });

  it('refuses a badly named file', async () => {
    const d = dir({ '1_a.sql': 'select 1;' });
    expect(() => readMigrations(d)).toThrow(/NNNNN_snake_name\.sql/);
  });
});
