// Row-level tenant isolation, checked as the non-owner app role the API uses.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestContext, type Registered, type TestContext } from '../test/harness.js';

let t: TestContext;
let A: Registered;
let B: Registered;
/** B's ids, collected from the API as B created them. */
const bIds: Record<string, string> = {};

/** Tables `populate` fills for both accounts; every other tenant table is still checked, possibly empty. */
const POPULATED = ['accounts', 'users', 'refresh_tokens', 'flows', 'ai_sessions', 'session_facts', 'session_suggested_fixes',
  'script_templates', 'draft_templates', 'account_settings', 'psa_connections', 'member_mappings', 'idempotency_keys',
  'session_note_renders', 'ai_usage', 'ask_conversations', 'ask_turns', 'copilot_feedback', 'client_memory'];

/**
 * Tables with an account_id that are deliberately not tenant-scoped, and why. Anything else with an
 * account_id and no RLS fails the schema test below.
 */
const GLOBAL: Record<string, string> = {
  login_directory: 'sign-in starts from an email before any tenant is known; holds no secret',
  embedding_jobs: 'the embedding queue drained for every account; holds only ids, the work runs in a tenant transaction',
};

/**
 * Tables with no account_id at all, and why they hold no tenant data. A new table must either carry
 * account_id (and RLS) or be named here with its reason.
 */
const GLOBAL_NO_ACCOUNT: Record<string, string> = {
  api_instances: 'API process liveness for idempotency claims (a random instance id and two times); no account data',
  login_failures: 'sign-in and registration throttling: attempts are counted before any tenant is known',
  schema_migrations: 'migration bookkeeping; not even granted to the app role',
};

interface TenantTable {
  table: string;
  column: string;
}
let tenantTables: TenantTable[] = [];

/** Populate one account through the API so that every foundation tenant table holds its rows. */
async function populate(who: Registered, ids: Record<string, string>) {
  const s = await t.openSession(who, { externalId: String(800000 + Math.floor(Math.random() * 9999)) });
  ids.session = s.id;
  const fact = await t.request('POST', `/v1/sessions/${s.id}/facts`, { token: who.token, body: { text: 'User jdoe locked out', sourceRef: 'ticket' } });
  ids.fact = fact.body.fact.id;
  const fix = await t.request('POST', `/v1/sessions/${s.id}/fixes`, {
    token: who.token,
    headers: { 'Idempotency-Key': `iso-${who.accountId}` },
    body: { title: 'Unlock the account', body: 'Unlock-ADAccount -Identity jdoe' },
  });
  ids.fix = fix.body.fix.id;
  await t.request('POST', `/v1/sessions/${s.id}/fixes/${fix.body.fix.id}/decision`, { token: who.token, body: { decision: 'draft_template' } });
  const fix2 = await t.request('POST', `/v1/sessions/${s.id}/fixes`, { token: who.token, body: { title: 'Reset password', body: 'Set-ADAccountPassword jdoe' } });
  await t.request('POST', `/v1/sessions/${s.id}/fixes/${fix2.body.fix.id}/decision`, { token: who.token, body: { decision: 'build_template' } });
  ids.fix2 = fix2.body.fix.id;
  await t.request('PUT', '/v1/settings', { token: who.token, body: { noteFormat: 'markdown' } });
  const eng = await t.addUser(who, 'engineer');
  ids.user = eng.userId;
  // A rendered note (cached per state_version) and a copilot suggestion (a usage row).
  expect((await t.request('GET', `/v1/sessions/${s.id}/resolution-note?format=text`, { token: who.token })).status).toBe(200);
  expect((await t.request('POST', `/v1/sessions/${s.id}/suggest`, { token: who.token, body: {} })).status).toBe(200);
  // A conversation with the copilot, a vote on its answer, and a client-memory fact.
  const asked = await t.request('POST', `/v1/sessions/${s.id}/ask`, { token: who.token, body: { question: 'How was this fixed before?' } });
  expect(asked.status).toBe(201);
  ids.answer = asked.body.answer.id;
  ids.conversation = (await t.request('POST', '/v1/assistant/ask', { token: who.token, body: { question: 'Printer spooler?' } })).body.conversationId;
  expect((await t.request('POST', `/v1/sessions/${s.id}/feedback`, { token: who.token, body: { target: 'answer', targetId: ids.answer, rating: 'up' } })).status).toBe(201);
  const memory = await t.request('POST', '/v1/client-memory', { token: who.token, body: { company: 'Acme Dental', kind: 'firewall', text: 'Firewall: FortiGate 40F' } });
  ids.memory = memory.body.fact.id;
  // Tables whose routes belong to later features get rows directly, as the owner would write them.
  const [flow] = await t.owner`insert into flows (account_id, kind, title, graph) values (${who.accountId}, 'troubleshooting', 'Iso flow', ${t.owner.json({ start: 'a', nodes: [] })}) returning id`;
  ids.flow = flow!.id;
  const [draft] = await t.owner`select id from draft_templates where account_id = ${who.accountId} limit 1`;
  const [script] = await t.owner`select id from script_templates where account_id = ${who.accountId} limit 1`;
  ids.draft = draft!.id;
  ids.script = script!.id;
  await t.owner`insert into psa_connections (account_id, site, company_id, public_key, client_id, private_key_encrypted)
                values (${who.accountId}, 'na.myconnectwise.net', 'acme', 'pub', 'client', 'ciphertext')`;
  await t.owner`insert into member_mappings (account_id, user_id, psa_member_identifier) values (${who.accountId}, ${eng.userId}, 'jdoe')`;
}

beforeAll(async () => {
  t = await createTestContext();
  A = await t.register('tenantA');
  B = await t.register('tenantB');
  await populate(A, {});
  await populate(B, bIds);
  const rows = await t.owner<{ table_name: string }[]>`
    select table_name from information_schema.columns
    where table_schema = 'public' and column_name = 'account_id' order by table_name`;
  tenantTables = [{ table: 'accounts', column: 'id' }, ...rows.map((r) => ({ table: r.table_name, column: 'account_id' }))];
});
afterAll(() => t.close());

describe('the schema', () => {
  it('enables and forces RLS with one USING + WITH CHECK policy on every tenant table', async () => {
    expect(tenantTables.length).toBeGreaterThanOrEqual(13);
    for (const { table } of tenantTables.filter((x) => !(x.table in GLOBAL))) {
      const [cls] = await t.owner`select relrowsecurity, relforcerowsecurity from pg_class where relname = ${table} and relnamespace = 'public'::regnamespace`;
      expect({ table, ...cls }).toEqual({ table, relrowsecurity: true, relforcerowsecurity: true });
      const policies = await t.owner`select qual, with_check from pg_policies where schemaname = 'public' and tablename = ${table}`;
      expect(policies, table).toHaveLength(1);
      const expected = "nullif(current_setting('app.current_account_id'::text, true), ''::text)";
      expect(String(policies[0]!.qual).toLowerCase(), table).toContain(expected);
      expect(String(policies[0]!.with_check).toLowerCase(), table).toContain(expected);
    }
  });

  it('has no account_id table without RLS except the listed global ones', async () => {
    const open = await t.owner<{ relname: string }[]>`
      select c.relname from pg_class c join information_schema.columns col on col.table_name = c.relname and col.table_schema = 'public'
      where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' and col.column_name = 'account_id' and not c.relrowsecurity
      order by 1`;
    expect(open.map((r) => r.relname)).toEqual(Object.keys(GLOBAL).sort());
  });

  it('has no table without account_id except the listed global ones', async () => {
    const global = await t.owner<{ relname: string }[]>`
      select c.relname from pg_class c
      where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' and c.relname <> 'accounts'
        and not exists (select 1 from information_schema.columns col
                        where col.table_schema = 'public' and col.table_name = c.relname and col.column_name = 'account_id')
      order by 1`;
    expect(global.map((r) => r.relname)).toEqual(Object.keys(GLOBAL_NO_ACCOUNT).sort());
  });

  it('connects the API as a role that is not a superuser, owns no table and cannot bypass RLS', async () => {
    const [me] = await t.sql`select current_user as name, rolsuper, rolbypassrls from pg_roles where rolname = current_user`;
    expect(me).toEqual({ name: 'flowpilot_app', rolsuper: false, rolbypassrls: false });
    const owned = await t.owner`select tablename from pg_tables where schemaname = 'public' and tableowner = 'flowpilot_app'`;
    expect(owned).toEqual([]);
    await expect(t.sql`drop table ai_sessions`).rejects.toThrow(/must be owner/);
    await expect(t.sql`select * from schema_migrations`).rejects.toThrow(/permission denied/);
  });
});

describe('with account A in context', () => {
  it('reads none of B\'s rows in any tenant table, and changes none', async () => {
    for (const { table, column } of tenantTables) {
      const [bRows] = await t.owner`select count(*)::int as n from ${t.owner(table)} where ${t.owner(column)} = ${B.accountId}`;
      if (POPULATED.includes(table)) expect(bRows!.n, `B has rows in ${table}`).toBeGreaterThan(0);
      if (table in GLOBAL) continue;
      const seen = await t.db.tenant({ accountId: A.accountId }, async (tx) => {
        const [r] = await tx`select count(*)::int as n from ${tx(table)} where ${tx(column)} = ${B.accountId}`;
        // A missing grant (42501, e.g. no DELETE on accounts) is as good as zero rows: the write cannot happen.
        const attempt = (run: (sp: typeof tx) => Promise<{ count: number }>) =>
          tx.savepoint((sp) => run(sp as unknown as typeof tx)).catch((e: { code?: string }) => (e.code === '42501' ? { count: 0 } : Promise.reject(e)));
        const updated = await attempt((sp) => sp`update ${sp(table)} set ${sp(column)} = ${sp(column)} where ${sp(column)} = ${B.accountId}`);
        const deleted = await attempt((sp) => sp`delete from ${sp(table)} where ${sp(column)} = ${B.accountId}`);
        return { read: r!.n, updated: updated.count, deleted: deleted.count };
      });
      expect({ table, ...seen }).toEqual({ table, read: 0, updated: 0, deleted: 0 });
      const [after] = await t.owner`select count(*)::int as n from ${t.owner(table)} where ${t.owner(column)} = ${B.accountId}`;
      expect(after!.n, table).toBe(bRows!.n);
    }
  });

  it('refuses to write a row into B\'s account (WITH CHECK)', async () => {
    await expect(
      t.db.tenant({ accountId: A.accountId }, (tx) => tx`insert into session_facts (account_id, session_id, text) values (${B.accountId}, ${bIds.session!}, 'planted')`),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(
      t.db.tenant({ accountId: A.accountId }, (tx) => tx`insert into account_settings (account_id) values (${B.accountId}) on conflict do nothing`),
    ).rejects.toMatchObject({ code: '42501' });
  });
});

describe('with no tenant in context', () => {
  it('reads every tenant table as empty, also on a pooled connection that served a tenant before', async () => {
    const single = postgres(inject('appUrl'), { max: 1, onnotice: () => {} });
    try {
      await single.begin((tx) => tx`select set_config('app.current_account_id', ${A.accountId}, true)`);
      for (const { table } of tenantTables) {
        if (table in GLOBAL) continue;
        const [r] = await single`select count(*)::int as n from ${single(table)}`;
        expect({ table, n: r!.n }).toEqual({ table, n: 0 });
      }
    } finally {
      await single.end();
    }
  });
});

describe('routes called by A with B\'s ids', () => {
  it('answer 404 and change nothing', async () => {
    const snapshot = async () =>
      t.owner`select (select state_version from ai_sessions where id = ${bIds.session!}) as v,
                     (select count(*)::int from session_facts where account_id = ${B.accountId} and deleted_at is null) as facts,
                     (select count(*)::int from session_suggested_fixes where account_id = ${B.accountId}) as fixes,
                     (select string_agg(coalesce(decision, '-'), ',' order by id) from session_suggested_fixes where account_id = ${B.accountId}) as decisions,
                     (select text from session_facts where id = ${bIds.fact!}) as fact_text,
                     (select role || coalesce(disabled_at::text, '') from users where id = ${bIds.user!}) as user_state,
                     (select status || coalesce(resolution_note_posted_at::text, '-') || coalesce(escalation_reason, '-') from ai_sessions where id = ${bIds.session!}) as status,
                     (select title || version || coalesce(deleted_at::text, '') from flows where id = ${bIds.flow!}) as flow,
                     (select status from draft_templates where id = ${bIds.draft!}) as draft,
                     (select use_count from script_templates where id = ${bIds.script!}) as script_uses,
                     (select count(*)::int from ask_turns where account_id = ${B.accountId}) as turns,
                     (select string_agg(rating, ',') from copilot_feedback where account_id = ${B.accountId}) as votes,
                     (select status || text || expires_at::text from client_memory where id = ${bIds.memory!}) as memory`;
    const before = await snapshot();
    const s = `/v1/sessions/${bIds.session}`;
    const calls: [string, string, unknown?][] = [
      ['GET', s],
      ['GET', `${s}/facts`],
      ['POST', `${s}/facts`, { text: 'planted' }],
      ['PATCH', `${s}/facts/${bIds.fact}`, { text: 'changed' }],
      ['DELETE', `${s}/facts/${bIds.fact}`],
      ['GET', `${s}/fixes/active`],
      ['POST', `${s}/fixes`, { title: 'planted' }],
      ['POST', `${s}/fixes/${bIds.fix2}/accept`],
      ['POST', `${s}/fixes/${bIds.fix2}/reject`],
      ['POST', `${s}/fixes/${bIds.fix2}/decision`, { decision: 'one_off' }],
      ['POST', `${s}/events`, { kind: 'note', text: 'planted' }],
      ['POST', `${s}/steps`, { nodeId: 'a', optionId: 'b' }],
      ['PATCH', `/v1/users/${bIds.user}`, { role: 'viewer' }],
      ['PATCH', s, { status: 'paused' }],
      ['GET', `${s}/resolution-note?format=text`],
      ['GET', `${s}/escalation-package?format=text`],
      ['POST', `${s}/suggest`, {}],
      ['POST', `${s}/share`, {}],
      ['POST', `${s}/escalate`, { reason: 'planted' }],
      ['POST', `${s}/resolve`, {}],
      ['POST', `${s}/resolution-note/post`, {}],
      ['POST', `${s}/escalation/post`, {}],
      ['GET', `/v1/flows/${bIds.flow}`],
      ['PUT', `/v1/flows/${bIds.flow}`, { title: 'planted' }],
      ['DELETE', `/v1/flows/${bIds.flow}`],
      ['POST', `/v1/draft-templates/${bIds.draft}/approve`],
      ['POST', `/v1/draft-templates/${bIds.draft}/dismiss`],
      ['POST', `/v1/script-templates/${bIds.script}/use`, {}],
      ['GET', `${s}/ask`],
      ['POST', `${s}/ask`, { question: 'planted?' }],
      ['GET', `${s}/feedback`],
      ['POST', `${s}/feedback`, { target: 'answer', targetId: bIds.answer, rating: 'down' }],
      ['GET', `/v1/assistant/conversations/${bIds.conversation}`],
      ['POST', '/v1/assistant/ask', { question: 'planted?', conversationId: bIds.conversation }],
      ['POST', `/v1/client-memory/${bIds.memory}/confirm`],
      ['PATCH', `/v1/client-memory/${bIds.memory}`, { text: 'Firewall: planted' }],
      ['DELETE', `/v1/client-memory/${bIds.memory}`],
      ['POST', '/v1/client-memory/proposals', { sessionId: bIds.session }],
    ];
    for (const [method, path, body] of calls) {
      const res = await t.request(method, path, { token: A.token, body });
      expect({ method, path, status: res.status, code: res.body?.error?.code }).toEqual({ method, path, status: 404, code: 'not_found' });
    }
    // A's own session with B's fact id is still a 404.
    const own = await t.openSession(A);
    const cross = await t.request('PATCH', `/v1/sessions/${own.id}/facts/${bIds.fact}`, { token: A.token, body: { text: 'changed' } });
    expect(cross.status).toBe(404);
    expect(await snapshot()).toEqual(before);
  });
});
