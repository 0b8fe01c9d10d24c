// Start-up: several instances migrating one database at once, the refusal to run as a role RLS does
// not bind, and composite tenant foreign keys that no insert can cross.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestContext, type TestContext } from '../test/harness.js';
import { TEST_SECRET_KEY } from '../test/secret.js';
import { assertSafeAppRole, migrateAndConnect, UnsafeAppRoleError } from './database.js';
import { readMigrations } from './migrate.js';

describe('several API instances starting at the same moment', () => {
  const dbName = `flowpilot_startup_${process.pid}_${Date.now().toString(36)}`;
  let admin: postgres.Sql;
  let ownerUrl: string;
  beforeAll(async () => {
    const u = new URL(inject('ownerUrl'));
    admin = postgres(u.toString(), { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${dbName}`);
    u.pathname = '/' + dbName;
    ownerUrl = u.toString();
  });
  afterAll(async () => {
    await admin.unsafe(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  });

  it('all start: the migrations table, each migration and the app role password are written under one lock', async () => {
    const starts = await Promise.allSettled(Array.from({ length: 4 }, () => migrateAndConnect(ownerUrl, { secretKey: TEST_SECRET_KEY })));
    const failures = starts.filter((s) => s.status === 'rejected').map((s) => String((s as PromiseRejectedResult).reason));
    expect(failures).toEqual([]);
    const opened = starts.map((s) => (s as PromiseFulfilledResult<Awaited<ReturnType<typeof migrateAndConnect>>>).value);
    try {
      // Each migration was applied by exactly one of them, and every instance can serve.
      expect(opened.flatMap((o) => o.applied).sort()).toEqual(readMigrations().map((m) => m.file));
      for (const o of opened) expect(await o.db.sql`select current_user as u`).toEqual([{ u: 'flowpilot_app' }]);
    } finally {
      await Promise.all(opened.map((o) => o.db.sql.end({ timeout: 5 })));
    }
    // A second round (instances restarting together on a migrated database) also starts.
    const again = await Promise.all(Array.from({ length: 4 }, () => migrateAndConnect(ownerUrl, { secretKey: TEST_SECRET_KEY })));
    expect(again.flatMap((o) => o.applied)).toEqual([]);
    await Promise.all(again.map((o) => o.db.sql.end({ timeout: 5 })));
  });
});

describe('the app role check', () => {
  it('refuses a connection as a superuser or table owner, with a message that says why', async () => {
    const owner = postgres(inject('ownerUrl'), { max: 1, onnotice: () => {} });
    try {
      const err = await assertSafeAppRole(owner as never).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(UnsafeAppRoleError);
      expect(String((err as Error).message)).toMatch(/Refusing to start: the API's database role "[^"]+" (is a superuser|owns tables)/);
    } finally {
      await owner.end();
    }
  });

  it('refuses to start when DATABASE_APP_URL names the owner', async () => {
    await expect(migrateAndConnect(inject('ownerUrl'), { secretKey: TEST_SECRET_KEY, appUrl: inject('ownerUrl') })).rejects.toThrow(UnsafeAppRoleError);
  });

  it('accepts the app role', async () => {
    const app = postgres(inject('appUrl'), { max: 1, onnotice: () => {} });
    try {
      await expect(assertSafeAppRole(app as never)).resolves.toBeUndefined();
    } finally {
      await app.end();
    }
  });
});

describe('composite tenant foreign keys', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext();
  });
  afterAll(() => t.close());

  it("refuse a row in account A that points at account B's parent row", async () => {
    const a = await t.register('fkA');
    const b = await t.register('fkB');
    const bSession = await t.openSession(b);
    const [bFlow] = await t.owner<{ id: string }[]>`select id from flows where account_id = ${b.accountId} limit 1`;
    const asA = <T>(fn: (tx: Parameters<Parameters<typeof t.db.tenant>[1]>[0]) => Promise<T>) => t.db.tenant({ accountId: a.accountId, userId: a.userId }, fn);
    // The app role, in A's context, skipping the lookup a route would do.
    await expect(asA((tx) => tx`insert into session_facts (account_id, session_id, text) values (${a.accountId}, ${bSession.id}, 'planted')`)).rejects.toMatchObject({ code: '23503' });
    await expect(
      asA((tx) => tx`insert into ai_sessions (account_id, ticket_external_id, flow_id) values (${a.accountId}, '990001', ${bFlow!.id})`),
    ).rejects.toMatchObject({ code: '23503' });
    const own = await t.openSession(a);
    await expect(
      asA((tx) => tx`insert into session_facts (account_id, session_id, text, created_by) values (${a.accountId}, ${own.id}, 'x', ${b.userId})`),
    ).rejects.toMatchObject({ code: '23503' });
    // Same-account references still work.
    await asA((tx) => tx`insert into session_facts (account_id, session_id, text, created_by) values (${a.accountId}, ${own.id}, 'fine', ${a.userId})`);
  });

  it('leaves no single-column foreign key between tenant tables', async () => {
    const single = await t.owner<{ conname: string }[]>`
      select c.conname from pg_constraint c
      where c.contype = 'f' and c.connamespace = 'public'::regnamespace and array_length(c.conkey, 1) = 1
        and c.confrelid <> 'accounts'::regclass
        and exists (select 1 from pg_attribute x where x.attrelid = c.conrelid and x.attname = 'account_id')
        and exists (select 1 from pg_attribute x where x.attrelid = c.confrelid and x.attname = 'account_id')`;
    expect(single).toEqual([]);
  });

  it('keeps ON DELETE SET NULL to the pointer only: deleting a user keeps their facts in the account', async () => {
    const admin = await t.register('fkdel');
    const eng = await t.addUser(admin, 'engineer');
    const s = await t.openSession(eng);
    const fact = await t.request('POST', `/v1/sessions/${s.id}/facts`, { token: eng.token, body: { text: 'by engineer' } });
    expect(fact.status).toBe(201);
    await t.owner`delete from users where id = ${eng.userId}`;
    const [row] = await t.owner`select account_id, created_by from session_facts where id = ${fact.body.fact.id}`;
    expect(row).toEqual({ account_id: admin.accountId, created_by: null });
  });
});
