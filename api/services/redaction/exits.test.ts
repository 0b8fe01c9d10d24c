// Every exit, with the whole generated corpus typed into sessions (ticket text, notes, commands,
// observations, facts, fix, root cause, escalation reason): the note in three formats, the
// escalation package, the shared view, the model prompt (Anthropic fake), Voyage input (Voyage fake,
// documents and queries). No secret may come out of any of them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnthropicProvider } from '../ai/anthropic.js';
import { drainEmbeddingJobs } from '../ai/embeddings.js';
import { createVoyageEmbedder } from '../ai/voyage.js';
import { escapeHtml, escapeMarkdown } from '../notes/index.js';
import { startAnthropicFake, type AnthropicFake } from '../../test/fakes/anthropic.js';
import { startVoyageFake, type VoyageFake } from '../../test/fakes/voyage.js';
import { createTestContext, type Registered, type TestContext } from '../../test/harness.js';
import { POSITIVES, type PositiveSample } from './corpus.js';

let anthropic: AnthropicFake;
let voyage: VoyageFake;
let t: TestContext;
let a: Registered;

beforeAll(async () => {
  anthropic = await startAnthropicFake();
  voyage = await startVoyageFake();
  t = await createTestContext({
    deps: {
      ai: {
        llm: createAnthropicProvider({ apiKey: 'sk-ant-exits', baseUrl: anthropic.url, retry: { baseDelayMs: 5 } }),
        embedder: createVoyageEmbedder({ apiKey: 'pa-exits', baseUrl: voyage.url }),
      },
    },
  });
  a = await t.register('exits');
});
afterAll(async () => {
  await t.close();
  await anthropic.close();
  await voyage.close();
});

/** The spellings a leaked secret could take in an output: as is, HTML-escaped, markdown-escaped, JSON-escaped; any case (text notes upper-case the title). */
function leaks(outputs: string[], samples: PositiveSample[]): string[] {
  const hay = outputs.map((o) => o.toLowerCase());
  const found: string[] = [];
  for (const sample of samples) {
    for (const secret of sample.secrets) {
      const forms = [secret, escapeHtml(secret), escapeMarkdown(secret), JSON.stringify(secret).slice(1, -1)].map((f) => f.toLowerCase());
      for (const f of new Set(forms)) {
        // Short secrets (PINs) are matched as whole tokens, so a timestamp or id containing the digits is not a false alarm.
        const re = f.length >= 8 ? null : new RegExp(`(?<![a-z0-9])${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![a-z0-9])`);
        if (hay.some((h) => (re ? re.test(h) : h.includes(f)))) found.push(`[${sample.category}] ${JSON.stringify(secret)} from ${JSON.stringify(sample.text.slice(0, 120))}`);
      }
    }
  }
  return found;
}

const PER_SESSION = 24;

describe('no secret leaves through any exit', () => {
  it('notes (3 formats), escalation package, shared view, model prompt and Voyage inputs', async () => {
    const outputs: string[] = [];
    const labelled: [string, string][] = [];
    const push = (label: string, text: string) => {
      outputs.push(text);
      labelled.push([label, text]);
    };
    const groups: PositiveSample[][] = [];
    for (let i = 0; i < POSITIVES.length; i += PER_SESSION) groups.push(POSITIVES.slice(i, i + PER_SESSION));
    let sessionNo = 0;
    for (const group of groups) {
      sessionNo++;
      const [first, second, ...rest] = group;
      const summary = first!.text.length <= 500 ? first!.text : 'Ticket with credentials';
      const s = await t.openSession(a, { summary, description: group.map((g) => g.text).join('\n\n').slice(0, 19_000), contact: 'Dana Ortiz' });
      const id = s.id as string;
      const events = ['note', 'command', 'observation'] as const;
      for (const [k, sample] of rest.entries()) {
        if (k % 4 === 3) {
          const f = await t.request('POST', `/v1/sessions/${id}/facts`, { token: a.token, body: { text: sample.text.slice(0, 2000) } });
          expect(f.status).toBe(201);
        } else {
          const e = await t.request('POST', `/v1/sessions/${id}/events`, { token: a.token, body: { kind: events[k % 3], text: sample.text } });
          expect(e.status).toBe(201);
        }
      }
      const fix = await t.request('POST', `/v1/sessions/${id}/fixes`, { token: a.token, body: { title: second!.text.slice(0, 300), body: second!.text } });
      expect(fix.status).toBe(201);
      await t.request('PATCH', `/v1/sessions/${id}`, { token: a.token, body: { rootCause: (rest[0] ?? first!).text.slice(0, 5000) } });

      // The model prompt (Anthropic fake) and the Voyage query (search).
      const sug = await t.request('POST', `/v1/sessions/${id}/suggest`, { token: a.token, body: { tier: 'fast', question: (rest[1] ?? first!).text.slice(0, 2000) } });
      expect(sug.status).toBe(200);
      push('suggestion', JSON.stringify(sug.body));
      const search = await t.request('GET', `/v1/search?q=${encodeURIComponent((rest[2] ?? first!).text.slice(0, 200))}`, { token: a.token });
      expect(search.status).toBe(200);

      // The note and the escalation package in every format, as JSON and as the bare document.
      for (const format of ['markdown', 'text', 'html']) {
        for (const doc of ['resolution-note', 'escalation-package']) {
          const res = await t.request('GET', `/v1/sessions/${id}/${doc}?format=${format}`, { token: a.token });
          expect(res.status).toBe(200);
          push(`${doc} ${format}`, res.text);
        }
      }
      // The shared view.
      const share = await t.request('POST', `/v1/sessions/${id}/share`, { token: a.token, body: {} });
      expect(share.status).toBe(201);
      const shared = await t.request('GET', new URL(share.body.url).pathname, {});
      expect(shared.status).toBe(200);
      push('shared', shared.text);

      // Closing: escalation answers with the package; resolving stores the note and queues it for Voyage.
      if (sessionNo % 2 === 0) {
        const esc = await t.request('POST', `/v1/sessions/${id}/escalate`, { token: a.token, body: { reason: (rest[3] ?? first!).text.slice(0, 2000) } });
        expect(esc.status).toBe(200);
        push('escalate', esc.body.package.text);
      } else {
        const res = await t.request('POST', `/v1/sessions/${id}/resolve`, { token: a.token, body: { rootCause: (rest[4] ?? first!).text.slice(0, 5000) } });
        expect(res.status).toBe(200);
      }
    }
    await drainEmbeddingJobs(t.db, t.deps.ai!.embedder!, t.deps.log, { batch: 200, accountId: a.accountId });

    // What reached the model and Voyage, as they received it.
    expect(anthropic.requests.length).toBeGreaterThanOrEqual(groups.length);
    expect(voyage.requests.length).toBeGreaterThan(groups.length);
    for (const r of anthropic.requests) push('anthropic', r.raw);
    for (const r of voyage.requests) push('voyage', r.raw);
    const where = labelled.filter(([, text]) => leaks([text], POSITIVES).length).map(([label]) => label);
    expect([...new Set(where)]).toEqual([]);
    // The notes really carried the corpus (redacted), so the check above is not vacuous.
    expect(outputs.join('\n')).toContain('[redacted password]');
    expect(leaks(outputs, POSITIVES)).toEqual([]);
    // The server log never carries them either. Its clock and durations are left out: a request that took
    // 1112 ms is not the PIN 1112.
    const logged = t.logs.map((line) => {
      const { time: _time, ms: _ms, ...rest } = JSON.parse(line) as Record<string, unknown>;
      return JSON.stringify(rest);
    });
    expect(leaks(logged, POSITIVES)).toEqual([]);
  }, 300_000);
});

describe('reviewing the redactions of a note (un-hide a false positive)', () => {
  it('lists each hidden spot with its marker, un-hides one for this session only (bumping the ETag), never for models or other sessions', async () => {
    const text = 'Printer PIN 4821 is printed on its label; the real one: password: Kx9!mQ2vT';
    const s1 = await t.openSession(a, { summary: 'Dock not charging' });
    const s2 = await t.openSession(a, { summary: 'Dock not charging either' });
    for (const s of [s1, s2]) await t.request('POST', `/v1/sessions/${s.id}/events`, { token: a.token, body: { kind: 'note', text } });

    const before = await t.request('GET', `/v1/sessions/${s1.id}/resolution-note?format=markdown`, { token: a.token });
    expect(before.status).toBe(200);
    const spots = before.body.note.redactionSpots as { id: string; kind: string; marker: number; revealed: boolean }[];
    expect(spots.length).toBe(before.body.note.redactionCount);
    expect(spots.map((s) => s.marker)).toEqual(spots.map((_s, i) => i + 1));
    expect((before.body.note.text.match(/\[redacted [a-z -]+\]/g) ?? []).length).toBe(spots.length);
    expect(before.body.note.text).not.toContain('PIN 4821 ');
    // The spot ids are fingerprints, not the text.
    expect(JSON.stringify(spots)).not.toContain('PIN 4821');

    // The printer PIN is the first marker in the note.
    const tag = spots.find((s) => s.marker === 1)!;
    const etag = before.headers.get('ETag');
    const un = await t.request('POST', `/v1/sessions/${s1.id}/resolution-note/redactions/${tag.id}/unhide`, { token: a.token });
    expect(un.status).toBe(200);
    expect(un.body.spot).toMatchObject({ id: tag.id, revealed: true });
    const again = await t.request('POST', `/v1/sessions/${s1.id}/resolution-note/redactions/${tag.id}/unhide`, { token: a.token });
    expect(again.status).toBe(200);
    expect(`"${un.body.stateVersion}"`).not.toBe(etag);
    const stale = await t.request('GET', `/v1/sessions/${s1.id}/resolution-note?format=markdown`, { token: a.token, headers: { 'If-None-Match': etag! } });
    expect(stale.status).toBe(200);
    expect(stale.body.note.text).toContain('PIN 4821 ');
    expect(stale.body.note.text).not.toContain('Kx9!mQ2vT');
    expect(stale.body.note.redactionSpots.filter((s: { revealed: boolean }) => s.revealed)).toHaveLength(1);
    // The other session, the account's settings and the model prompt still hide it.
    const other = await t.request('GET', `/v1/sessions/${s2.id}/resolution-note?format=text`, { token: a.token });
    expect(other.body.note.text).not.toContain('PIN 4821 ');
    const settings = await t.request('GET', '/v1/settings', { token: a.token });
    expect(settings.body.settings.redaction).toEqual({ patterns: [], words: [] });
    const seen = anthropic.requests.length;
    await t.request('POST', `/v1/sessions/${s1.id}/suggest`, { token: a.token, body: { tier: 'fast' } });
    expect(anthropic.requests.length).toBe(seen + 1);
    expect(anthropic.requests.at(-1)!.raw).not.toContain('PIN 4821 ');
    // A spot of another session, or made up, is not found.
    const foreign = (other.body.note.redactionSpots as { id: string }[])[0]!.id;
    expect((await t.request('POST', `/v1/sessions/${s1.id}/resolution-note/redactions/${foreign}/unhide`, { token: a.token })).status).toBe(404);
    const bad = await t.request('POST', `/v1/sessions/${s1.id}/resolution-note/redactions/nothex/unhide`, { token: a.token });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_input');
  }, 60_000);
});
