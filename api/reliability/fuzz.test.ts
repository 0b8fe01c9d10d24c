// Generated bad input across every route the app registers (Hono's own route list, so new routes are
// covered): wrong types, huge and deep JSON, invalid UTF-8, bad ids, missing or forged auth, injection
// strings. Only documented 4xx come back, never a 5xx; the app keeps answering; a batch of requests that
// all failed leaves the account's rows exactly as they were. Seeded for reproducibility
// (FUZZ_SEED, FUZZ_COUNT — `npm run soak` raises the count).
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveKey } from '../auth/tokens.js';
import { seededRandom } from '../lib/seeded-random.js';
import { createTestContext, type Registered, type TestContext } from '../test/harness.js';

const COUNT = Number(process.env.FUZZ_COUNT ?? 2200);
const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const BODY_LIMIT = 65_536;
const DOCUMENTED = [400, 401, 403, 404, 405, 409, 413, 415, 422, 429];

let t: TestContext;
let a: Registered;
let ids: { sessionId: string; factId: string; fixId: string; flowId: string; userId: string };
let tenantTables: string[];

beforeAll(async () => {
  t = await createTestContext({ env: { BODY_LIMIT_BYTES: String(BODY_LIMIT) } });
  a = await t.register('fuzz');
  const s = await t.openSession(a);
  const fact = await t.request('POST', `/v1/sessions/${s.id}/facts`, { token: a.token, body: { text: 'A fact' } });
  const fix = await t.request('POST', `/v1/sessions/${s.id}/fixes`, { token: a.token, body: { title: 'A fix' } });
  const flows = await t.request('GET', '/v1/flows', { token: a.token });
  ids = { sessionId: s.id, factId: fact.body.fact.id, fixId: fix.body.fix.id, flowId: flows.body.flows[0].id, userId: a.userId };
  const rows = await t.owner<{ table_name: string }[]>`
    select c.table_name from information_schema.columns c join information_schema.tables tb using (table_schema, table_name)
    where c.table_schema = 'public' and c.column_name = 'account_id' and tb.table_type = 'BASE TABLE' order by 1`;
  tenantTables = rows.map((r) => r.table_name);
});
afterAll(() => t?.close());

/** Row counts of every tenant table for the fuzzed account. */
async function counts(): Promise<Record<string, number>> {
  const q = tenantTables.map((tb) => `select '${tb}' as t, count(*)::int as n from "${tb}" where account_id = $1`).join(' union all ');
  const rows = await t.owner.unsafe<{ t: string; n: number }[]>(q, [a.accountId]);
  return Object.fromEntries(rows.map((r) => [r.t, r.n]));
}

const INJECTION = [
  "' OR '1'='1",
  "'; drop table ai_sessions; --",
  '1; select pg_sleep(5)',
  '<script>alert(1)</script>',
  '{{7*7}}${7*7}',
  '../../../../etc/passwd',
  '%00%0d%0aSet-Cookie: x=1',
  '\u0000\u0001\u202e',
  '$where: 1',
  '\\x27\\x22',
];
const BAD_IDS = ['not-a-uuid', '0', '-1', "1' OR '1'='1", '../..', 'ffffffff-ffff-ffff-ffff-fffffffffffff', '00000000-0000-0000-0000-00000000000g', 'x'.repeat(500), '🙂', '%FF', '00000000-0000-4000-8000-000000000000'];

type Rnd = () => number;
const pick = <T,>(r: Rnd, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

function wrongValue(r: Rnd, depth = 0): unknown {
  const k = Math.floor(r() * 9);
  if (k === 0) return Math.floor(r() * 2 ** 40) * (r() < 0.5 ? -1 : 1);
  if (k === 1) return r() < 0.5;
  if (k === 2) return null;
  if (k === 3) return depth < 3 ? [wrongValue(r, depth + 1), wrongValue(r, depth + 1)] : [];
  if (k === 4) return depth < 3 ? { nested: wrongValue(r, depth + 1) } : {};
  if (k === 5) return 1e308 * 10; // Infinity → null in JSON
  if (k === 6) return pick(r, INJECTION);
  if (k === 7) return 'y'.repeat(Math.floor(r() * 70_000));
  return -0.5;
}

const FIELDS = ['text', 'title', 'kind', 'decision', 'ticket', 'flowId', 'status', 'format', 'reason', 'refreshToken', 'email', 'password', 'name', 'graph', 'prompt', 'mappings', 'site', 'noteFormat', 'role', 'nodeId', 'optionId', 'targets', 'rootCause', 'expiresInHours', 'internal', 'minutes', 'companyId', 'privateKey', '__proto__', 'constructor'];

interface Case {
  category: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer>;
}

let forged: Record<string, string>;
async function forgeTokens() {
  const key = deriveKey('flowpilot-test-secret-key-0123456789-abcdefghijklmnop', 'access-token');
  const claims = { acc: a.accountId, role: 'super_admin', typ: 'access' };
  const expired = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(a.userId).setIssuer('flowpilot').setAudience('flowpilot-api').setIssuedAt(1_600_000_000).setExpirationTime(1_600_000_900).sign(key);
  const otherKey = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(a.userId).setIssuer('flowpilot').setAudience('flowpilot-api').setIssuedAt().setExpirationTime('10m').sign(deriveKey('some other secret key, not the server one!!', 'access-token'));
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const payload = { ...claims, sub: a.userId, iss: 'flowpilot', aud: 'flowpilot-api', iat: now, exp: now + 600 };
  const algNone = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
  const wrongType = await new SignJWT({ ...claims, typ: 'share' }).setProtectedHeader({ alg: 'HS256' }).setSubject(a.userId).setIssuer('flowpilot').setAudience('flowpilot-api').setIssuedAt().setExpirationTime('10m').sign(key);
  const [h, , s] = a.token.split('.');
  const tampered = `${h}.${b64({ ...payload, role: 'super_admin', acc: '00000000-0000-4000-8000-000000000000' })}.${s}`;
  forged = {
    missing: '',
    expired: `Bearer ${expired}`,
    'other key': `Bearer ${otherKey}`,
    'alg none': `Bearer ${algNone}`,
    'wrong typ': `Bearer ${wrongType}`,
    tampered: `Bearer ${tampered}`,
    garbage: `Bearer ${'a'.repeat(40)}`,
    basic: `Basic ${Buffer.from('admin:admin').toString('base64')}`,
    'refresh token as access': `Bearer ${a.refreshToken}`,
  };
}

function fill(path: string, r: Rnd, badId: boolean): string {
  return path
    .replace(/:action\{[^}]+\}/, () => (badId ? encodeURIComponent(pick(r, INJECTION)) : pick(r, ['accept', 'reject'])))
    .replace(/:(\w+)(\{[^}]*\})?/g, (_m, name: string) => {
      if (badId) return encodeURIComponent(pick(r, BAD_IDS));
      if (name === 'factId') return ids.factId;
      if (name === 'fixId') return ids.fixId;
      if (name === 'externalId') return '184201';
      if (name === 'token') return 'not-a-share-token';
      if (path.startsWith('/v1/flows/')) return ids.flowId;
      if (path.startsWith('/v1/users/')) return ids.userId;
      if (path.startsWith('/v1/sessions/')) return ids.sessionId;
      return '00000000-0000-4000-8000-000000000000';
    });
}

const PUBLIC = /^\/v1\/(auth\/|shared\/)/;
const hasBody = (m: string) => m === 'POST' || m === 'PUT' || m === 'PATCH';

function generate(route: { method: string; path: string }, r: Rnd): Case {
  const auth = { authorization: `Bearer ${a.token}` };
  const json = { 'content-type': 'application/json' };
  const categories = ['bad auth', 'injection query'];
  if (/:\w/.test(route.path)) categories.push('bad id');
  if (hasBody(route.method)) {
    categories.push('wrong types', 'not an object', 'malformed JSON', 'huge JSON', 'deep JSON', 'invalid UTF-8', 'wrong content type', 'bad idempotency key');
    // Injection strings in string fields of a well-formed body would be a real sign-in attempt on the
    // public routes (and count towards the shared sign-in throttle); elsewhere they are fair game.
    if (!PUBLIC.test(route.path)) categories.push('injection body');
  }
  const category = pick(r, categories);
  const path = fill(route.path, r, category === 'bad id');
  const base: Case = { category, method: route.method, path, headers: { ...auth } };
  const obj = () => Object.fromEntries(Array.from({ length: 1 + Math.floor(r() * 4) }, () => [pick(r, FIELDS), wrongValue(r)]));
  switch (category) {
    case 'bad auth': {
      const [label, value] = pick(r, Object.entries(forged));
      const headers: Record<string, string> = hasBody(route.method) ? { ...json } : {};
      if (value) headers.authorization = value;
      return { ...base, category: `bad auth (${label})`, headers, body: hasBody(route.method) ? JSON.stringify({ text: 'x' }) : undefined };
    }
    case 'injection query':
      return { ...base, path: `${path}?${pick(r, ['q', 'status', 'format', 'limit', 'ticket', 'type'])}=${encodeURIComponent(pick(r, INJECTION))}&limit=${pick(r, ['-1', '1e9', 'NaN', 'abc'])}` };
    case 'bad id':
      return { ...base, headers: hasBody(route.method) ? { ...auth, ...json } : auth, body: hasBody(route.method) ? JSON.stringify(obj()) : undefined };
    case 'wrong types':
      return { ...base, headers: { ...auth, ...json }, body: JSON.stringify(obj()) };
    case 'not an object':
      return { ...base, headers: { ...auth, ...json }, body: pick(r, ['[1,2,3]', '"text"', '42', 'null', 'true', '[]', '[{"text":"x"}]']) };
    case 'malformed JSON':
      return { ...base, headers: { ...auth, ...json }, body: pick(r, ['{"text": ', '{text: "x"}', "{'text': 'x'}", '{"a":1,}', '\u0000\u0001', '{"a":"\\ud800"', 'NaN', '{"a": 01}']) };
    case 'huge JSON':
      return { ...base, headers: { ...auth, ...json }, body: JSON.stringify({ text: 'z'.repeat(BODY_LIMIT + Math.floor(r() * 10_000)) }) };
    case 'deep JSON': {
      const depth = 500 + Math.floor(r() * 15_000);
      const inner = r() < 0.5 ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
      const field = pick(r, FIELDS.filter((f) => !f.startsWith('_') && f !== 'constructor'));
      return { ...base, headers: { ...auth, ...json }, body: r() < 0.3 ? inner : `{"${field}":${inner}}` };
    }
    case 'invalid UTF-8': {
      const field = pick(r, ['text', 'title', 'name', 'reason', 'email', 'prompt']);
      const bytes = [...Buffer.from(`{"${field}":"`), ...pick(r, [[0xff], [0xc3, 0x28], [0xe2, 0x82], [0xf0, 0x28, 0x8c, 0x28], [0xed, 0xa0, 0x80]]), ...Buffer.from('"}')];
      return { ...base, headers: { ...auth, ...json }, body: new Uint8Array(bytes) as Uint8Array<ArrayBuffer> };
    }
    case 'wrong content type':
      return { ...base, headers: { ...auth, 'content-type': pick(r, ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) }, body: pick(r, ['text=x', '<a/>', '--x--', '{"text":5}']) };
    case 'bad idempotency key':
      return { ...base, headers: { ...auth, ...json, 'idempotency-key': pick(r, ['', ' ', 'é', 'x'.repeat(201), 'a b', '\t']) }, body: JSON.stringify(obj()) };
    case 'injection body': {
      const b = Object.fromEntries(Array.from({ length: 1 + Math.floor(r() * 3) }, () => [pick(r, FIELDS), pick(r, INJECTION)]));
      return { ...base, headers: { ...auth, ...json }, body: JSON.stringify(b) };
    }
  }
  throw new Error(category);
}

describe('generated bad input on every route', () => {
  it(`${COUNT} malformed requests: only documented 4xx, the app keeps answering, nothing half-written`, async () => {
    await forgeTokens();
    const routes = [...new Map(t.app.routes.filter((x) => x.method !== 'ALL' && x.path.startsWith('/v1/')).map((x) => [`${x.method} ${x.path}`, x])).values()];
    expect(routes.length).toBeGreaterThan(50);
    const r = seededRandom(SEED);
    const perRoute = Math.ceil(COUNT / routes.length);
    const failures: string[] = [];
    const accepted: string[] = [];
    const byCategory = new Map<string, Map<number, number>>();
    let sent = 0;
    for (const route of routes) {
      const before = await counts();
      let twoXx = 0;
      for (let i = 0; i < perRoute; i++) {
        const c = generate(route, r);
        const res = await t.app.request(c.path, { method: c.method, headers: c.headers, body: c.body });
        const text = await res.text();
        sent++;
        const cat = c.category.replace(/ \(.*/, '');
        const hist = byCategory.get(cat) ?? new Map<number, number>();
        hist.set(res.status, (hist.get(res.status) ?? 0) + 1);
        byCategory.set(cat, hist);
        const where = `${c.method} ${c.path.slice(0, 100)} [${c.category}]`;
        if (res.status < 300) {
          twoXx++;
          // Well-formed enough to be accepted (e.g. an injection string is a fine fact text): must be stored as given, not executed.
          if (c.category.startsWith('bad auth') && !PUBLIC.test(route.path)) failures.push(`${where}: accepted forged auth with ${res.status}`);
          // Bytes that are not UTF-8 are refused, never decoded into U+FFFD and stored.
          if (c.category === 'invalid UTF-8' && c.method !== 'GET') failures.push(`${where}: accepted a body that is not UTF-8 with ${res.status}`);
          accepted.push(`${where}: ${res.status}`);
          continue;
        }
        let shaped = false;
        try {
          const body = JSON.parse(text);
          shaped = typeof body?.error?.code === 'string' && typeof body?.error?.message === 'string';
        } catch {
          /* not JSON */
        }
        if (!DOCUMENTED.includes(res.status) || !shaped) failures.push(`${where}: ${res.status} ${text.slice(0, 160)}`);
        if (/at .*\.ts:\d+|node_modules/.test(text)) failures.push(`${where}: stack trace in the answer`);
      }
      if (twoXx === 0) {
        // Every request of this batch failed: none of them may have left a row behind (or removed one).
        const after = await counts();
        for (const tb of tenantTables) if (after[tb] !== before[tb]) failures.push(`${route.method} ${route.path}: ${tb} rows ${before[tb]} → ${after[tb]} although every request failed`);
      }
    }
    console.log(
      `[fuzz] ${sent} requests over ${routes.length} routes (seed ${SEED}); ${accepted.length} accepted as well-formed. Statuses by category:\n` +
        [...byCategory].map(([k, h]) => `  ${k}: ${[...h].sort((x, y) => x[0] - y[0]).map(([s, n]) => `${s}×${n}`).join(' ')}`).join('\n'),
    );
    if (process.env.FUZZ_VERBOSE) console.log(accepted.join('\n'));
    expect(sent).toBeGreaterThanOrEqual(Math.min(COUNT, 2000));
    expect(failures.slice(0, 30)).toEqual([]);
    // Still answering, database included.
    expect((await t.request('GET', '/healthz')).status).toBe(200);
    expect((await t.request('GET', `/v1/sessions/${ids.sessionId}`, { token: a.token })).status).toBe(200);
    expect(t.logs.some((l) => l.includes('"unhandled error"'))).toBe(false);
  });
});
