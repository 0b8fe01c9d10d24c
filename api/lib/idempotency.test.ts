// Idempotency keys and the connection pool: a burst of keyed writes never starves the pool, a busy
// pool answers 503 instead of hanging, keys are per user, and expired keys are cleaned up.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deleteExpiredIdempotencyKeys, startMaintenance } from '../db/maintenance.js';
import { declaresCallsOut } from './idempotency.js';
import { createTestContext } from '../test/harness.js';
import { connectedWorld } from '../test/world.js';

const POOL = 4;
const world = connectedWorld({
  context: { env: { DATABASE_POOL_MAX: String(POOL) }, deps: { psa: { client: { timeoutMs: 5_000, backoffBaseMs: 5, backoffMaxMs: 20 } } } },
});
const { connectedAccount, mappedEngineer } = world;

const timed = async <T>(fn: () => Promise<T>) => {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
};

describe('routes that call out', () => {
  it('declare it themselves: the ConnectWise posts, the copilot (suggest, customer reply, briefing), the flow builder, the flywheel, the connection test and adding a user', () => {
    const marked = world.ctx.app.routes.filter((r) => declaresCallsOut(r.handler)).map((r) => `${r.method} ${r.path}`);
    expect(new Set(marked)).toEqual(
      new Set([
        'POST /v1/sessions/:id/resolution-note/post',
        'POST /v1/sessions/:id/escalation/post',
        'POST /v1/sessions/:id/time-entry',
        'POST /v1/sessions/:id/close-out',
        'POST /v1/sessions/:id/escalation/send',
        'POST /v1/sessions/:id/suggest',
        'POST /v1/sessions/:id/customer-reply',
        'POST /v1/sessions/:id/customer-reply/post',
        'POST /v1/sessions/:id/escalation-briefing',
        'POST /v1/sessions/:id/ask',
        'POST /v1/assistant/ask',
        'POST /v1/client-memory/proposals',
        'POST /v1/flows/generate',
        'POST /v1/flow-proposals/analyse',
        'POST /v1/settings/psa/test',
        'POST /v1/users',
      ]),
    );
  });
});

describe('a burst of idempotent writes', () => {
  it(`answers ${3 * POOL} concurrent keyed note posts, time entries and facts on a pool of ${POOL}, while /healthz and sign-in answer within a second`, async () => {
    const admin = await connectedAccount('burst');
    const eng = await mappedEngineer(admin, 'Burst');
    const sessions = [];
    for (let i = 0; i < 3 * POOL; i++) sessions.push(await world.ctx.openSession(eng, { externalId: String(184201 + i) }));

    const keyed = (k: string) => ({ token: eng.token, headers: { 'Idempotency-Key': `${k}-${randomBytes(4).toString('hex')}` } });
    const burst = Promise.all(
      sessions.flatMap((s, i) => [
        world.ctx.request('POST', `/v1/sessions/${s.id}/resolution-note/post`, { ...keyed('note'), body: { text: `Burst note ${i}: restarted the service.` } }),
        world.ctx.request('POST', `/v1/sessions/${s.id}/time-entry`, { ...keyed('time'), body: { minutes: 5 } }),
        world.ctx.request('POST', `/v1/sessions/${s.id}/facts`, { ...keyed('fact'), body: { text: `Burst fact ${i}` } }),
      ]),
    );
    let settled = false;
    void burst.finally(() => (settled = true));

    // Meanwhile, someone signs in and the load balancer checks health.
    const probes: { what: string; ms: number; status: number }[] = [];
    for (let round = 0; round < 3 && !settled; round++) {
      const health = await timed(() => world.ctx.request('GET', '/healthz'));
      probes.push({ what: 'healthz', ms: health.ms, status: health.value.status });
      const login = await timed(() => world.ctx.request('POST', '/v1/auth/login', { body: { email: admin.email, password: admin.password } }));
      probes.push({ what: 'login', ms: login.ms, status: login.value.status });
    }
    const results = await burst;
    expect(results.map((r) => r.status)).toEqual(results.map(() => 201));
    expect(probes.length).toBeGreaterThan(0);
    for (const p of probes) {
      expect(p.status, p.what).toBe(200);
      // The target is a second (it takes ~0.1–0.3 s on an idle two-core machine); the bound allows for a CI
      // machine busy with other suites. What this guards against is a hang: before the fix these never answered.
      expect(p.ms, `${p.what} took ${Math.round(p.ms)} ms during the burst`).toBeLessThan(2500);
    }
    // Every write happened once, and the keys are finished (a retry replays).
    expect(world.sim.data.notes.filter((n) => n.text.startsWith('Burst note '))).toHaveLength(3 * POOL);
    const [unfinished] = await world.ctx.owner`select count(*)::int as n from idempotency_keys where user_id = ${eng.userId} and status_code is null`;
    expect(unfinished!.n).toBe(0);
  }, 120_000);
});

describe('a pool that stays busy', () => {
  it('answers 503 with Retry-After instead of hanging, and recovers once the connections come back', async () => {
    const t = await createTestContext({ env: { DATABASE_POOL_MAX: '2', DATABASE_ACQUIRE_TIMEOUT_MS: '300' } });
    try {
      const a = await t.register('busy');
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let holding = 0;
      const holders = [1, 2].map(() =>
        t.sql.begin(async (tx) => {
          await tx`select 1`;
          holding++;
          await gate;
        }),
      );
      while (holding < 2) await new Promise((r) => setTimeout(r, 10));

      const list = await timed(() => t.request('GET', '/v1/sessions', { token: a.token }));
      expect(list.value.status).toBe(503);
      expect(list.value.body.error.code).toBe('unavailable');
      expect(Number(list.value.headers.get('Retry-After'))).toBeGreaterThan(0);
      expect(list.ms).toBeLessThan(5_000);
      const health = await t.request('GET', '/healthz');
      expect(health.status).toBe(503);

      release();
      await Promise.all(holders);
      // The abandoned transactions gave their connections back: both can be used at once again.
      const both = await Promise.all([1, 2].map(() => t.db.tenant({ accountId: a.accountId }, (tx) => tx`select pg_sleep(0.05)`)));
      expect(both).toHaveLength(2);
      expect((await t.request('GET', '/v1/sessions', { token: a.token })).status).toBe(200);
      expect((await t.request('GET', '/healthz')).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe('keys are per user', () => {
  it("runs another user's request with the same key as its own, with its own role check", async () => {
    const admin = await world.ctx.register('peruser');
    const body = { name: 'New Engineer', email: `new-${randomBytes(4).toString('hex')}@example.test`, password: 'pw-0123456789ab', role: 'engineer' };
    const headers = { 'Idempotency-Key': `create-user-${randomBytes(4).toString('hex')}` };
    const first = await world.ctx.request('POST', '/v1/users', { token: admin.token, headers, body });
    expect(first.status).toBe(201);
    const again = await world.ctx.request('POST', '/v1/users', { token: admin.token, headers, body });
    expect(again.status).toBe(201);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');

    // An engineer replaying the admin's key does not get the admin's stored 201.
    const eng = await world.ctx.addUser(admin, 'engineer');
    const replayed = await world.ctx.request('POST', '/v1/users', { token: eng.token, headers, body });
    expect(replayed.status).toBe(403);
    expect(replayed.headers.get('Idempotent-Replayed')).toBeNull();
  });

  it("gives a viewer replaying an engineer's key a 403, not the engineer's 201", async () => {
    const admin = await world.ctx.register('viewerkey');
    const eng = await world.ctx.addUser(admin, 'engineer');
    const viewer = await world.ctx.addUser(admin, 'viewer');
    const s = await world.ctx.openSession(eng);
    const headers = { 'Idempotency-Key': `fact-${s.id}` };
    const first = await world.ctx.request('POST', `/v1/sessions/${s.id}/facts`, { token: eng.token, headers, body: { text: 'Printer offline' } });
    expect(first.status).toBe(201);
    const viewerTry = await world.ctx.request('POST', `/v1/sessions/${s.id}/facts`, { token: viewer.token, headers, body: { text: 'Printer offline' } });
    expect(viewerTry.status).toBe(403);
  });

  it('lets a claim left unfinished by a crashed process be taken over once it is stale', async () => {
    const a = await world.ctx.register('stale');
    const s = await world.ctx.openSession(a);
    const key = `stale-${s.id}`;
    await world.ctx.owner`insert into idempotency_keys (account_id, user_id, key, method, path, request_hash, created_at)
                    values (${a.accountId}, ${a.userId}, ${key}, 'POST', ${`/v1/sessions/${s.id}/facts`}, 'whatever', now() - interval '10 minutes')`;
    const res = await world.ctx.request('POST', `/v1/sessions/${s.id}/facts`, { token: a.token, headers: { 'Idempotency-Key': key }, body: { text: 'After the crash' } });
    expect(res.status).toBe(201);
  });
});

describe('claims follow the liveness of the instance that holds them', () => {
  it('lets a retry take over the claim of an instance that stopped heartbeating, within the duplicate wait', async () => {
    const a = await world.ctx.register('deadinst');
    const s = await world.ctx.openSession(a);
    const path = `/v1/sessions/${s.id}/facts`;
    const body = { text: 'Written after the other instance died' };
    const key = `dead-${s.id}`;
    // Another API instance claimed this key 9 s ago and last heartbeated 8 s ago, then was SIGKILLed:
    // still inside the liveness window when the retry arrives, dead ~2 s later. Far from the 300 s bound.
    const dead = randomUUID();
    await world.ctx.owner`insert into api_instances (id, started_at, seen_at) values (${dead}, now() - interval '1 minute', now() - interval '8 seconds')`;
    const hash = createHash('sha256').update('POST').update(path).update(JSON.stringify(body)).digest('hex');
    await world.ctx.owner`insert into idempotency_keys (account_id, user_id, key, method, path, request_hash, instance_id, created_at)
                    values (${a.accountId}, ${a.userId}, ${key}, 'POST', ${path}, ${hash}, ${dead}, now() - interval '9 seconds')`;

    const res = await timed(() => world.ctx.request('POST', path, { token: a.token, headers: { 'Idempotency-Key': key }, body }));
    // Before claims followed their instance this was a 409 idempotency_in_progress (for 300 s).
    expect(res.value.status, res.value.text).toBe(201);
    expect(res.value.headers.get('Idempotent-Replayed')).toBeNull();
    // It waited for the instance to be declared dead (it did not take over a claim of a live one at once)…
    expect(res.ms).toBeGreaterThan(500);
    const facts = await world.ctx.owner`select id from session_facts where session_id = ${s.id} and text = ${body.text}`;
    expect(facts).toHaveLength(1);
    // …and the key is now this instance's, finished: the next retry replays it.
    const [row] = await world.ctx.owner`select instance_id, status_code from idempotency_keys where user_id = ${a.userId} and key = ${key}`;
    expect(row).toEqual({ instance_id: world.ctx.deps.instanceId, status_code: 201 });
    const again = await world.ctx.request('POST', path, { token: a.token, headers: { 'Idempotency-Key': key }, body });
    expect(again.status).toBe(201);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(again.body).toEqual(res.value.body);
  });

  it('takes over at once a claim whose instance row is gone', async () => {
    const a = await world.ctx.register('goneinst');
    const s = await world.ctx.openSession(a);
    const path = `/v1/sessions/${s.id}/facts`;
    const body = { text: 'Instance row cleaned up' };
    const key = `gone-${s.id}`;
    const hash = createHash('sha256').update('POST').update(path).update(JSON.stringify(body)).digest('hex');
    await world.ctx.owner`insert into idempotency_keys (account_id, user_id, key, method, path, request_hash, instance_id, created_at)
                    values (${a.accountId}, ${a.userId}, ${key}, 'POST', ${path}, ${hash}, ${randomUUID()}, now() - interval '1 second')`;
    const res = await timed(() => world.ctx.request('POST', path, { token: a.token, headers: { 'Idempotency-Key': key }, body }));
    expect(res.value.status, res.value.text).toBe(201);
    expect(res.ms).toBeLessThan(5_000);
  });

  it('never takes over the claim of a live instance whose request runs longer than the liveness window: the duplicate replays it, the note is posted once', async () => {
    // A second API instance on the same database, heartbeating like the first, with a ConnectWise
    // client patient enough for a 12 s answer.
    const slow = await createTestContext({ deps: { psa: { client: { timeoutMs: 30_000, retries: 0, backoffBaseMs: 5, backoffMaxMs: 20 } } } });
    try {
      expect(slow.deps.instanceId).not.toBe(world.ctx.deps.instanceId);
      const admin = await connectedAccount('slowinst');
      const s = await world.ctx.openSession(admin, { externalId: '184201' });
      const path = `/v1/sessions/${s.id}/resolution-note/post`;
      const text = `Slow note ${randomBytes(4).toString('hex')}: replaced the toner.`;
      const opts = { token: admin.token, headers: { 'Idempotency-Key': `slow-${s.id}` }, body: { text } };
      // ConnectWise takes 12 s to answer the note post: longer than an instance may go unseen (10 s).
      world.sim.faults.delay(12_000, { method: 'POST', path: /notes$/ });
      const first = slow.request('POST', path, opts);
      await new Promise((r) => setTimeout(r, 500));
      // The client gave up and retried on the other instance. It waits (or answers 409 and is retried
      // again, as clients do) and must end with the first request's answer, never a second post.
      const retries: number[] = [];
      let dup = await world.ctx.request('POST', path, opts);
      for (let i = 0; dup.status === 409 && i < 5; i++) {
        retries.push(dup.status);
        expect(dup.body.error.code).toBe('idempotency_in_progress');
        dup = await world.ctx.request('POST', path, opts);
      }
      const original = await first;
      expect(original.status, original.text).toBe(201);
      expect(dup.status, dup.text).toBe(201);
      expect(dup.headers.get('Idempotent-Replayed')).toBe('true');
      expect(dup.body).toEqual(original.body);
      expect(world.sim.data.notes.filter((n) => n.text.startsWith(text.slice(0, 20)))).toHaveLength(1);
      const [row] = await world.ctx.owner`select instance_id from idempotency_keys where user_id = ${admin.userId} and key = ${`slow-${s.id}`}`;
      expect(row!.instance_id).toBe(slow.deps.instanceId);
    } finally {
      await slow.close();
    }
  }, 60_000);
});

describe('instance rows', () => {
  it('of instances long dead are deleted by the maintenance pass; live and recently dead ones stay', async () => {
    const [longDead, recentlyDead] = [randomUUID(), randomUUID()];
    await world.ctx.owner`insert into api_instances (id, started_at, seen_at)
                    values (${longDead}, now() - interval '3 days', now() - interval '25 hours'),
                           (${recentlyDead}, now() - interval '2 hours', now() - interval '1 minute')`;
    const job = startMaintenance(world.ctx.db, world.ctx.deps.log, { intervalMs: 0 });
    await job.runOnce();
    await job.stop();
    const ids = (await world.ctx.owner<{ id: string }[]>`select id from api_instances`).map((r) => r.id);
    expect(ids).not.toContain(longDead);
    expect(ids).toContain(recentlyDead);
    expect(ids).toContain(world.ctx.deps.instanceId);
  });
});

describe('expired keys', () => {
  it('are deleted by the clean-up job, in batches, across accounts; fresh keys stay', async () => {
    const a = await world.ctx.register('expiredA');
    const b = await world.ctx.register('expiredB');
    const tag = randomBytes(4).toString('hex');
    for (const who of [a, b]) {
      for (let i = 0; i < 3; i++) {
        await world.ctx.owner`insert into idempotency_keys (account_id, user_id, key, method, path, request_hash, status_code, response, created_at)
                        values (${who.accountId}, ${who.userId}, ${`old-${tag}-${i}`}, 'POST', '/v1/x', 'h', 201, '{}', now() - interval '25 hours')`;
      }
      await world.ctx.owner`insert into idempotency_keys (account_id, user_id, key, method, path, request_hash, status_code, response)
                      values (${who.accountId}, ${who.userId}, ${`new-${tag}`}, 'POST', '/v1/x', 'h', 201, '{}')`;
    }
    const left = () => world.ctx.owner<{ key: string }[]>`select key from idempotency_keys where key like ${`%-${tag}%`} order by key`;
    expect(await deleteExpiredIdempotencyKeys(world.ctx.db, { batch: 2 })).toBeGreaterThanOrEqual(6);
    expect((await left()).map((r) => r.key)).toEqual([`new-${tag}`, `new-${tag}`]);

    // The periodic job (as server.ts starts it) does the same.
    await world.ctx.owner`insert into idempotency_keys (account_id, user_id, key, method, path, request_hash, status_code, response, created_at)
                    values (${a.accountId}, ${a.userId}, ${`old-${tag}-job`}, 'POST', '/v1/x', 'h', 201, '{}', now() - interval '25 hours')`;
    const job = startMaintenance(world.ctx.db, world.ctx.deps.log, { intervalMs: 50 });
    try {
      for (let i = 0; i < 100 && (await left()).length > 2; i++) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await job.stop();
    }
    expect((await left()).map((r) => r.key)).toEqual([`new-${tag}`, `new-${tag}`]);
  });
});
