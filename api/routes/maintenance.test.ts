// Maintenance runs across targets: the step × target grid and the note's per-target report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../test/harness.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx?.close();
});

describe('maintenance runs', () => {
  it('shows each step against each target and reports per target in the note', async () => {
    const admin = await ctx.register('maint');
    const flows = await ctx.request('GET', '/v1/flows?kind=maintenance', { token: admin.token });
    const s = await ctx.openSession(admin, { summary: 'Monthly patching - Northwind servers' });
    let node = (await ctx.request('PATCH', `/v1/sessions/${s.id}`, { token: admin.token, body: { flowId: flows.body.flows[0].id } })).body.session.currentNode;
    const runs = [
      [{ name: 'NW-DC01', result: 'done' }, { name: 'NW-SQL01', result: 'done' }, { name: 'NW-FS01', result: 'done' }],
      [{ name: 'NW-DC01', result: 'done' }, { name: 'NW-SQL01', result: 'failed', note: 'reboot hung at 30%; sa password=Winter2026!' }, { name: 'NW-FS01', result: 'skipped', note: 'backup running' }],
      [{ name: 'NW-DC01', result: 'done' }, { name: 'NW-SQL01', result: 'done', note: 'second reboot worked' }],
    ];
    const titles: string[] = [];
    for (const targets of runs) {
      const res = await ctx.request('POST', `/v1/sessions/${s.id}/steps`, { token: admin.token, body: { nodeId: node.id, optionId: node.options[0]?.id, targets } });
      expect(res.status).toBe(201);
      titles.push(node.title);
      node = res.body.session.currentNode;
      if (!node) break;
    }
    await ctx.request('POST', `/v1/sessions/${s.id}/events`, { token: admin.token, body: { kind: 'note', text: 'Window closed at 23:00' } });

    const grid = await ctx.request('GET', `/v1/sessions/${s.id}/targets`, { token: admin.token });
    expect(grid.status).toBe(200);
    expect(grid.body.targets).toEqual(['NW-DC01', 'NW-SQL01', 'NW-FS01']);
    expect(grid.body.steps.map((r: { title: string }) => r.title)).toEqual(titles);
    expect(grid.body.steps[1].cells['NW-SQL01']).toEqual({ result: 'failed', note: 'reboot hung at 30%; sa password=Winter2026!' });
    expect(grid.body.steps[2].cells['NW-FS01']).toBeUndefined();
    expect(grid.body.totals).toEqual({ 'NW-DC01': { done: 3, failed: 0, skipped: 0 }, 'NW-SQL01': { done: 2, failed: 1, skipped: 0 }, 'NW-FS01': { done: 1, failed: 0, skipped: 1 } });

    const text: string = (await ctx.request('GET', `/v1/sessions/${s.id}/resolution-note?format=text`, { token: admin.token })).body.note.text;
    const section = text.slice(text.indexOf('PER TARGET'), text.indexOf('NEXT STEPS'));
    expect(section).toContain('3 targets, 1 with a failed step.');
    expect(section).toContain(`NW-SQL01 — 2 done, 1 failed: ${titles[0]} done; ${titles[1]} failed (reboot hung at 30%;`);
    expect(section).toContain(`NW-FS01 — 1 done, 1 skipped: ${titles[0]} done; ${titles[1]} skipped (backup running)`);
    expect(text).not.toContain('Winter2026!');
    const md: string = (await ctx.request('GET', `/v1/sessions/${s.id}/resolution-note?format=markdown`, { token: admin.token })).body.note.text;
    expect(md).toMatch(/Per target/);

    // A session without targets has no such section, and an empty grid.
    const plain = await ctx.openSession(admin);
    expect((await ctx.request('GET', `/v1/sessions/${plain.id}/targets`, { token: admin.token })).body).toEqual({ targets: [], steps: [], totals: {} });
    expect((await ctx.request('GET', `/v1/sessions/${plain.id}/resolution-note?format=text`, { token: admin.token })).body.note.text).not.toContain('PER TARGET');
    const other = await ctx.register('maint-other');
    expect((await ctx.request('GET', `/v1/sessions/${s.id}/targets`, { token: other.token })).status).toBe(404);
  });
});
