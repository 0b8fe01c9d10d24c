// GET /v1/search with VOYAGE_API_KEY/VOYAGE_BASE_URL pointed at the loopback fake: hybrid ranking, full-text fallback, privacy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainEmbeddingJobs } from '../services/ai/embeddings.js';
import { startVoyageFake, type VoyageFake } from '../test/fakes/voyage.js';
import { createTestContext, type Registered, type TestContext } from '../test/harness.js';

let voyage: VoyageFake;
let ctx: TestContext;
let me: Registered;
const ids: Record<'target' | 'decoy', string> = { target: '', decoy: '' };

async function resolved(summary: string, rootCause: string, fact?: string) {
  const s = await ctx.openSession(me, { summary });
  if (fact) expect((await ctx.request('POST', `/v1/sessions/${s.id}/facts`, { token: me.token, body: { text: fact, sourceRef: 'ticket' } })).status).toBe(201);
  const r = await ctx.request('POST', `/v1/sessions/${s.id}/resolve`, { token: me.token, body: { rootCause } });
  expect(r.status, r.text).toBeLessThan(300);
  return s.id as string;
}

beforeAll(async () => {
  voyage = await startVoyageFake();
  // Through configuration, as in production: the contract variables select the provider and its address.
  ctx = await createTestContext({ env: { VOYAGE_API_KEY: 'pa-route-test', VOYAGE_BASE_URL: voyage.url } });
  me = await ctx.register('hybrid');
  ids.target = await resolved('iPhone mail app stopped updating the inbox', 'Stale ActiveSync device partnership', 'Service account password is Zebra-Horse-42!');
  ids.decoy = await resolved('Desk phone stops ringing after syncing the call queue', 'VoIP handset firmware reset');
  for (let i = 0; i < 10; i++) {
    const r = await drainEmbeddingJobs(ctx.db, ctx.deps.ai!.embedder!, ctx.deps.log, { batch: 100, accountId: me.accountId });
    if (r.leased === 0) break;
  }
});
afterAll(async () => {
  await ctx.close();
  await voyage.close();
});

describe('GET /v1/search with Voyage', () => {
  it('fuses full-text and vectors: the semantically close session beats the lexical decoy', async () => {
    const res = await ctx.request('GET', `/v1/search?q=${encodeURIComponent('phone stops syncing mail')}&type=session`, { token: me.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ mode: 'hybrid', fullTextOnly: false, reason: null });
    const order = res.body.hits.map((h: { id: string }) => h.id);
    expect(order[0]).toBe(ids.target);
    expect(order.indexOf(ids.decoy)).toBeGreaterThan(0);
    expect(res.body.hits[0].matchedBy).toContain('meaning');
    expect(res.body.hits[0].title).toMatch(/iPhone mail app/);
    expect(voyage.requests.at(-1)!.body.input_type).toBe('query');
  });

  it('never sends a secret from a fact or the ticket to Voyage', async () => {
    const all = voyage.requests.map((r) => r.raw).join('\n');
    expect(all).toContain('ActiveSync');
    expect(all).not.toContain('Zebra-Horse-42!');
    await ctx.request('GET', `/v1/search?q=${encodeURIComponent('the password is Zebra-Horse-42!')}`, { token: me.token });
    expect(voyage.requests.at(-1)!.raw).not.toContain('Zebra-Horse-42!');
  });

  it('says it is full-text only when Voyage fails, and still answers', async () => {
    voyage.script({ kind: 'error', status: 500 });
    const res = await ctx.request('GET', '/v1/search?q=phone', { token: me.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ mode: 'full_text', fullTextOnly: true, reason: 'error' });
  });
});

describe('GET /v1/search without a key', () => {
  it('is full-text alone and says so', async () => {
    const off = await createTestContext();
    try {
      const who = await off.register('fts');
      const res = await off.request('GET', '/v1/search?q=outlook', { token: who.token });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ mode: 'full_text', fullTextOnly: true, reason: 'no_key' });
      expect(res.body.hits.length).toBeGreaterThan(0);
    } finally {
      await off.close();
    }
  });
});
