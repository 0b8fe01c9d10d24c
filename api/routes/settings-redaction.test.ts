// Account redaction patterns: compiled on RE2 (linear time), refused with the reason when RE2 cannot run them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Registered, type TestContext } from '../test/harness.js';

let t: TestContext;
let a: Registered;
beforeAll(async () => {
  t = await createTestContext();
  a = await t.register('patterns');
});
afterAll(() => t.close());

describe('PUT /v1/settings redaction.patterns', () => {
  it('refuses a pattern the linear-time engine cannot compile, naming the pattern and the reason, and stores nothing', async () => {
    const res = await t.request('PUT', '/v1/settings', { token: a.token, body: { redaction: { patterns: ['CUST-\\d{6}', '(?=secret)\\w+'] } } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(res.body.error.message).toContain('redaction.patterns.1');
    expect(res.body.error.message).toContain('(?=secret)');
    expect(res.body.error.message).toMatch(/lookahead/);
    const back = await t.request('PUT', '/v1/settings', { token: a.token, body: { redaction: { patterns: ['(a)\\1'] } } });
    expect(back.status).toBe(400);
    expect(back.body.error.message).toMatch(/back-reference/);
    const now = await t.request('GET', '/v1/settings', { token: a.token });
    expect(now.body.settings.redaction.patterns).toEqual([]);
  });

  it('accepts (a+)+$ and runs it on ticket text without stalling the process', async () => {
    const put = await t.request('PUT', '/v1/settings', { token: a.token, body: { redaction: { patterns: ['(a+)+$', 'CUST-\\d{6}'] } } });
    expect(put.status).toBe(200);
    const evil = `${'a'.repeat(40)}!`;
    const s = await t.openSession(a, { summary: `Customer CUST-004211 ${evil}`, description: `${'a'.repeat(19_000)}!` });
    const started = Date.now();
    const note = await t.request('GET', `/v1/sessions/${s.id}/resolution-note?format=text`, { token: a.token });
    expect(note.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(note.body.note.text).toContain('[redacted account pattern]');
    expect(note.body.note.text).not.toContain('CUST-004211');
    expect(note.body.note.text).toContain(evil);
  }, 30_000);
});
