// Secrets at rest: after saving a ConnectWise connection, signing users in and out, refreshing tokens
// and posting notes, no ConnectWise private key, user password, access or refresh token is stored in
// clear in any table (every text, varchar, json, jsonb and bytea column, read as the owner) or written
// to the API's captured logs (debug level, the most verbose).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../e2e/sim/simulator.js';
import { createTestContext, type TestContext } from '../test/harness.js';

let sim: Simulator;
let t: TestContext;
const secrets = new Map<string, string>();

beforeAll(async () => {
  sim = await startSimulator({ credentials: { privateKey: `cwPriv${randomBytes(12).toString('hex')}` } });
  t = await createTestContext({ deps: { psa: { client: { timeoutMs: 2_000, retries: 1, backoffBaseMs: 2, backoffMaxMs: 10, maxRetryAfterMs: 1_000 }, postAttempts: 2 } } });
});
afterAll(async () => {
  await t?.close();
  await sim?.close();
});

describe('secrets at rest', () => {
  it('no private key, password or token in clear in any table or in the logs', async () => {
    const admin = await t.register('secrets');
    secrets.set('admin password', admin.password);
    secrets.set('admin access token', admin.token);
    secrets.set('admin refresh token', admin.refreshToken);
    const saved = await t.request('PUT', '/v1/settings/psa', { token: admin.token, body: sim.connection });
    expect(saved.status).toBe(200);
    secrets.set('ConnectWise private key', sim.credentials.privateKey);
    expect((await t.request('POST', '/v1/settings/psa/test', { token: admin.token, body: {} })).status).toBeLessThan(500);

    const engineer = await t.addUser(admin, 'engineer');
    secrets.set('engineer password', engineer.password);
    secrets.set('engineer access token', engineer.token);
    secrets.set('engineer refresh token', engineer.refreshToken);
    const rotated = await t.request('POST', '/v1/auth/refresh', { body: { refreshToken: engineer.refreshToken } });
    expect(rotated.status).toBe(200);
    secrets.set('rotated access token', rotated.body.accessToken);
    secrets.set('rotated refresh token', rotated.body.refreshToken);
    // A failed sign-in with a password that is someone else's real one.
    expect((await t.request('POST', '/v1/auth/login', { body: { email: engineer.email, password: admin.password } })).status).toBe(401);

    const ticket = sim.data.tickets[0]!.id;
    const session = await t.openSession(engineer, { externalId: String(ticket) });
    await t.request('POST', `/v1/sessions/${session.id}/facts`, { token: engineer.token, body: { text: 'Spooler restarted, queue cleared' } });
    const posted = await t.request('POST', `/v1/sessions/${session.id}/resolution-note/post`, { token: engineer.token, body: { text: 'Cleared the print queue; test page fine.', internal: true }, headers: { 'Idempotency-Key': 'secrets-post-1' } });
    expect(posted.status).toBe(201);
    const share = await t.request('POST', `/v1/sessions/${session.id}/share`, { token: engineer.token, body: {} });
    expect(share.status).toBe(201);
    expect((await t.request('POST', '/v1/auth/logout', { body: { refreshToken: rotated.body.refreshToken } })).status).toBe(200);

    // Every needle, plus the random part of each refresh token on its own (in case a prefix were changed).
    const needles = new Map(secrets);
    for (const [label, v] of secrets) if (v.startsWith('fprt_')) needles.set(`${label} (random part)`, v.split('_').slice(2).join('_'));
    for (const [label, v] of secrets) if (label.includes('access token')) needles.set(`${label} (signature)`, v.split('.')[2]!);

    const columns = await t.owner<{ table_name: string; column_name: string; data_type: string }[]>`
      select c.table_name, c.column_name, c.data_type from information_schema.columns c
      join information_schema.tables tb using (table_schema, table_name)
      where c.table_schema = 'public' and tb.table_type = 'BASE TABLE'
        and (c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea') or c.udt_name = 'citext')`;
    expect(columns.length).toBeGreaterThan(20);
    const found: string[] = [];
    for (const col of columns) {
      for (const [label, needle] of needles) {
        const [hit] =
          col.data_type === 'bytea'
            ? await t.owner.unsafe(`select 1 from "${col.table_name}" where position(convert_to($1, 'UTF8') in "${col.column_name}") > 0 limit 1`, [needle])
            : await t.owner.unsafe(`select 1 from "${col.table_name}" where strpos("${col.column_name}"::text, $1) > 0 limit 1`, [needle]);
        if (hit) found.push(`${label} in ${col.table_name}.${col.column_name}`);
      }
    }
    expect(found).toEqual([]);

    const logs = t.logs.join('\n');
    expect(t.logs.length).toBeGreaterThan(10);
    const inLogs = [...needles].filter(([, v]) => logs.includes(v)).map(([label]) => label);
    expect(inLogs).toEqual([]);
    // The stored connection is there (encrypted), so the scan looked at a table that had something to hide.
    const [conn] = await t.owner`select count(*)::int as n from psa_connections where account_id = ${admin.accountId}`;
    expect(conn!.n).toBe(1);
  });
});
