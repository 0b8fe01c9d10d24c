// ConnectWise under a 429 storm (with Retry-After) and slow responses: every note still lands on its
// ticket exactly once. The random-fault soak is api/services/psa/posting.soak.test.ts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../e2e/sim/simulator.js';
import { createTestContext, type Registered, type TestContext } from '../test/harness.js';

let sim: Simulator;
let ctx: TestContext;
let admin: Registered;
const NOTES = /^service\/tickets\/\d+\/notes$/;

beforeAll(async () => {
  sim = await startSimulator();
  ctx = await createTestContext({
    env: { LOG_LEVEL: 'info' },
    deps: { psa: { client: { timeoutMs: 200, retries: 2, backoffBaseMs: 2, backoffMaxMs: 10, maxRetryAfterMs: 2_000 }, postAttempts: 3 } },
  });
  admin = await ctx.register('cwfaults');
  expect((await ctx.request('PUT', '/v1/settings/psa', { token: admin.token, body: sim.connection })).status).toBe(200);
});
beforeEach(() => {
  sim.faults.clear();
  sim.clearRequests();
});
afterAll(async () => {
  await ctx?.close();
  await sim?.close();
});

/** Posts each job until it is acknowledged, as an engineer pressing "post" again after a 502/409 would. */
async function postAll(jobs: { sessionId: string; text: string }[], workers: number) {
  const queue = [...jobs];
  const answers = new Map<string, string>();
  const statuses: number[] = [];
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let job = queue.shift(); job; job = queue.shift()) {
        for (let tries = 0; ; tries++) {
          expect(tries, `gave up on ${job.text}`).toBeLessThan(40);
          const res = await ctx.request('POST', `/v1/sessions/${job.sessionId}/resolution-note/post`, { token: admin.token, body: { text: job.text, internal: true } });
          statuses.push(res.status);
          if (res.status === 201 || res.status === 200) {
            answers.set(job.text, res.body.note.externalId);
            break;
          }
          // A storm longer than the API's patience is a 502 (or 503/429 with Retry-After) to the engineer; a concurrent post of the same note is a 409.
          expect([409, 429, 502, 503], res.text).toContain(res.status);
          await new Promise((r) => setTimeout(r, 30));
        }
      }
    }),
  );
  return { answers, statuses };
}

async function jobsOn(tickets: number, perTicket: number, label: string) {
  const ids = sim.data.tickets.slice(0, tickets).map((t) => t.id);
  const sessions = await Promise.all(ids.map((id) => ctx.openSession(admin, { externalId: String(id) })));
  return sessions.flatMap((s, i) => Array.from({ length: perTicket }, (_, n) => ({ sessionId: s.id as string, ticketId: ids[i]!, text: `${label} ${i}-${n}: replaced the fuser, test page clean.` })));
}

function expectExactlyOnce(jobs: { ticketId: number; text: string }[], answers: Map<string, string>) {
  for (const job of jobs) {
    const onTicket = sim.data.notes.filter((n) => n.text.startsWith(job.text));
    expect(onTicket, job.text).toHaveLength(1);
    expect(onTicket[0]!.ticketId).toBe(job.ticketId);
    expect(String(onTicket[0]!.id)).toBe(answers.get(job.text));
  }
}

describe('ConnectWise faults', () => {
  it('the simulator trickles a slow body: headers first, the rest later', async () => {
    sim.faults.slowBody(400, { path: 'system/info' });
    const t0 = performance.now();
    const res = await fetch(`${sim.apiBase}/system/info`, { headers: { authorization: 'Basic ' + Buffer.from(`${sim.credentials.companyId}+${sim.credentials.publicKey}:${sim.credentials.privateKey}`).toString('base64'), clientId: sim.credentials.clientId } });
    const headersAt = performance.now() - t0;
    await res.text();
    const bodyAt = performance.now() - t0;
    expect(sim.faults.injected.map((f) => f.kind)).toEqual(['slowBody']);
    // Only lower bounds on elapsed time (never upper): the body cannot arrive before most of the trickle.
    expect(bodyAt - headersAt).toBeGreaterThanOrEqual(250);
  });

  it('a 429 storm with Retry-After: each note lands exactly once', async () => {
    const jobs = await jobsOn(4, 5, 'Storm note');
    // 30 consecutive 429s on the notes endpoint (GETs for the marker lookup included), 0.2 s Retry-After each.
    sim.faults.rateLimitStorm(30, 0.2, { path: NOTES });
    const { answers, statuses } = await postAll(jobs, 4);
    expect(sim.faults.injected.filter((f) => f.kind === 'rateLimit')).toHaveLength(30);
    expectExactlyOnce(jobs, answers);
    // A call that meets more 429s than the client's retries surfaces to the engineer (who posts again); count them.
    console.log(`[storm] ${statuses.length} posts for ${jobs.length} notes: ${[...new Set(statuses)].map((s) => `${s}×${statuses.filter((x) => x === s).length}`).join(' ')}`);
  });

  it('a short burst of 429s is absorbed by the API, which waits Retry-After between tries', async () => {
    const [job] = await jobsOn(1, 1, 'Burst note');
    sim.faults.rateLimitStorm(2, 0.3, { method: 'POST', path: NOTES });
    const res = await ctx.request('POST', `/v1/sessions/${job!.sessionId}/resolution-note/post`, { token: admin.token, body: { text: job!.text, internal: true } });
    expect(res.status).toBe(201);
    const posts = sim.requests.filter((r) => r.method === 'POST' && r.apiPath !== null && NOTES.test(r.apiPath));
    expect(posts.map((r) => r.status)).toEqual([429, 429, 201]);
    // Lower bounds only: each retry came no sooner than the 0.3 s Retry-After.
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(280);
    expect(posts[2]!.at - posts[1]!.at).toBeGreaterThanOrEqual(280);
    expectExactlyOnce([job!], new Map([[job!.text, res.body.note.externalId]]));
  });

  it('slow responses (headers on time, body too late; and answers after the client time-out): each note lands exactly once', async () => {
    const jobs = await jobsOn(4, 5, 'Slow note');
    sim.faults.chaos({
      rate: 0.5,
      seed: 4242,
      match: { path: NOTES },
      faults: [
        { kind: 'slowBody', ms: 500 }, // stored; the body outlasts the 200 ms time-out
        { kind: 'slowBody', ms: 60 }, // slow but in time
        { kind: 'delay', ms: 120 }, // slow to start, in time
        { kind: 'delayAfterWrite', ms: 400 }, // stored; the answer comes after the time-out
      ],
    });
    const { answers } = await postAll(jobs, 4);
    sim.faults.stopChaos();
    const kinds = sim.faults.injected.map((f) => f.kind);
    expect(kinds.filter((k) => k === 'slowBody').length).toBeGreaterThan(3);
    expectExactlyOnce(jobs, answers);
  });
});
