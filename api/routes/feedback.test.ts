// POST/GET /v1/sessions/:id/feedback: thumbs up/down on suggestions, answers and fixes, one vote per user and target.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Registered, type TestContext } from '../test/harness.js';

let t: TestContext;
let me: Registered;
beforeAll(async () => {
  t = await createTestContext();
  me = await t.register('feedback');
});
afterAll(() => t.close());

const vote = (who: Registered, sessionId: string, body: unknown, headers: Record<string, string> = {}) =>
  t.request('POST', `/v1/sessions/${sessionId}/feedback`, { token: who.token, body, headers });

describe('feedback', () => {
  it('records a vote on an answer, and a second vote by the same user replaces it', async () => {
    const s = await t.openSession(me, { summary: 'Outlook password prompts' });
    const asked = await t.request('POST', `/v1/sessions/${s.id}/ask`, { token: me.token, body: { question: 'Outlook password prompts?' } });
    const answerId = asked.body.answer.id;
    const first = await vote(me, s.id, { target: 'answer', targetId: answerId, rating: 'up' });
    expect(first.status, first.text).toBe(201);
    expect(first.body.feedback).toMatchObject({ target: 'answer', targetId: answerId, rating: 'up', comment: null });
    const second = await vote(me, s.id, { target: 'answer', targetId: answerId, rating: 'down', comment: 'Wrong client: the password is Qwerty-Lemon-77' });
    expect(second.status).toBe(200);
    expect(second.body.feedback.id).toBe(first.body.feedback.id);
    expect(second.body.feedback.comment).not.toContain('Qwerty-Lemon-77');

    // A colleague's vote is their own.
    const colleague = await t.addUser(me, 'engineer');
    expect((await vote(colleague, s.id, { target: 'answer', targetId: answerId, rating: 'up' })).status).toBe(201);
    const rows = await t.owner`select user_id, rating from copilot_feedback where target_id = ${answerId} order by rating`;
    expect(rows.map((r) => r.rating)).toEqual(['down', 'up']);

    const mine = await t.request('GET', `/v1/sessions/${s.id}/feedback`, { token: me.token });
    expect(mine.body.feedback.map((f: { rating: string }) => f.rating)).toEqual(['down']);
  });

  it('takes votes on the latest suggestion and on fixes; the same Idempotency-Key replays the first answer', async () => {
    const s = await t.openSession(me);
    const up = await vote(me, s.id, { target: 'suggestion', rating: 'up' }, { 'Idempotency-Key': `fb-${s.id}` });
    expect(up.status).toBe(201);
    const replay = await vote(me, s.id, { target: 'suggestion', rating: 'up' }, { 'Idempotency-Key': `fb-${s.id}` });
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
    expect(replay.body.feedback.id).toBe(up.body.feedback.id);
    const fix = await t.request('POST', `/v1/sessions/${s.id}/fixes`, { token: me.token, body: { title: 'Reboot', body: 'Restart the PC' } });
    expect((await vote(me, s.id, { target: 'fix', targetId: fix.body.fix.id, rating: 'down' })).status).toBe(201);
    const [n] = await t.owner`select count(*)::int as n from copilot_feedback where session_id = ${s.id}`;
    expect(n!.n).toBe(2);
  });

  it('refuses bad input and targets of other sessions or accounts, recording nothing', async () => {
    const s = await t.openSession(me);
    const other = await t.openSession(me);
    const fix = await t.request('POST', `/v1/sessions/${other.id}/fixes`, { token: me.token, body: { title: 'Elsewhere', body: 'x' } });
    for (const body of [{}, { target: 'answer', rating: 'up' }, { target: 'fix', targetId: 'nope', rating: 'up' }, { target: 'suggestion', rating: 'meh' }, { target: 'suggestion', rating: 'up', extra: 1 }]) {
      const res = await vote(me, s.id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
    }
    expect((await vote(me, s.id, { target: 'fix', targetId: fix.body.fix.id, rating: 'up' })).status).toBe(404);
    expect((await vote(me, s.id, { target: 'answer', targetId: fix.body.fix.id, rating: 'up' })).status).toBe(404);
    const stranger = await t.register('feedback-stranger');
    expect((await vote(stranger, s.id, { target: 'suggestion', rating: 'down' })).status).toBe(404);
    expect((await t.request('GET', `/v1/sessions/${s.id}/feedback`, { token: stranger.token })).status).toBe(404);
    const [n] = await t.owner`select count(*)::int as n from copilot_feedback where session_id = ${s.id}`;
    expect(n!.n).toBe(0);
  });
});
