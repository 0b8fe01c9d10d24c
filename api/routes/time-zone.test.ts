// Notes in the account's time zone: the setting, the ConnectWise server's zone from the connection test, the wording.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../e2e/sim/simulator.js';
import { durationInWords, ianaFromConnectWise, isIanaTimeZone } from '../services/time-zone.js';
import { createTestContext, type TestContext } from '../test/harness.js';

let sim: Simulator;
let ctx: TestContext;
beforeAll(async () => {
  sim = await startSimulator({ serverTimeZone: 'W. Europe Standard Time' });
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx?.close();
  await sim?.close();
});

const sectionOf = (text: string, heading: string) => {
  const start = text.indexOf(heading);
  const rest = text.slice(start + heading.length);
  const next = rest.search(/\n[A-Z][A-Z ]+\n/);
  return next >= 0 ? rest.slice(0, next) : rest;
};

describe('time zone names and wording', () => {
  it('maps ConnectWise\'s Windows zone names to IANA, accepts IANA names, refuses the rest', () => {
    expect(ianaFromConnectWise('Eastern Standard Time')).toBe('America/New_York');
    expect(ianaFromConnectWise('AUS Eastern Standard Time')).toBe('Australia/Sydney');
    expect(ianaFromConnectWise('GMT Standard Time')).toBe('Europe/London');
    expect(ianaFromConnectWise('Europe/Berlin')).toBe('Europe/Berlin');
    expect(ianaFromConnectWise('Martian Standard Time')).toBeNull();
    expect(ianaFromConnectWise(undefined)).toBeNull();
    for (const bad of ['+01:00', 'Mars/Olympus', '', 'America/New_York; drop table']) expect(isIanaTimeZone(bad), bad).toBe(false);
  });

  it('says the time spent as an engineer would', () => {
    expect(durationInWords(20_000)).toBe('under a minute');
    expect(durationInWords(60_000)).toBe('1 minute');
    expect(durationInWords(45 * 60_000)).toBe('45 minutes');
    expect(durationInWords(65 * 60_000)).toBe('1 hour 5 minutes');
    expect(durationInWords(120 * 60_000)).toBe('2 hours');
    expect(durationInWords(121 * 60_000)).toBe('2 hours 1 minute');
  });
});

describe('notes in the account\'s time zone', () => {
  it('defaults to the ConnectWise server\'s zone once the connection is tested; the account setting overrides it', async () => {
    const admin = await ctx.register('tz');
    expect((await ctx.request('PUT', '/v1/settings/psa', { token: admin.token, body: sim.connection })).status).toBe(200);
    const s = await ctx.openSession(admin, { summary: 'Slow VPN' });
    await ctx.request('POST', `/v1/sessions/${s.id}/events`, { token: admin.token, body: { kind: 'note', text: 'Checked the tunnel' } });
    // Started 09:00 UTC on a winter day, last entry 65 minutes later.
    const base = Date.UTC(2026, 11, 1, 9, 0);
    await ctx.owner`update ai_sessions set created_at = ${new Date(base)},
      pending_task_lane = jsonb_build_array(pending_task_lane->0 || jsonb_build_object('at', ${new Date(base + 65 * 60_000).toISOString()}::text)),
      state_version = state_version + 1 where id = ${s.id}`;
    const note = async () => (await ctx.request('GET', `/v1/sessions/${s.id}/resolution-note?format=text`, { token: admin.token })).body.note.text as string;

    const before = await note();
    expect(before).toContain('Session started 2026-12-01 09:00 UTC; times below are UTC.');
    expect(sectionOf(before, 'TIME SPENT')).toContain('1 hour 5 minutes (09:00–10:05 UTC on 2026-12-01)');

    const tested = await ctx.request('POST', '/v1/settings/psa/test', { token: admin.token, body: {} });
    expect(tested.status).toBe(200);
    expect(tested.body).toMatchObject({ serverTimeZone: 'W. Europe Standard Time', timeZone: 'Europe/Berlin' });
    expect((await ctx.request('GET', '/v1/settings/psa', { token: admin.token })).body.connection.serverTimeZone).toBe('Europe/Berlin');
    const berlin = await note();
    expect(berlin).toContain('Session started 2026-12-01 10:00 GMT+1; times below are Europe/Berlin time.');
    expect(sectionOf(berlin, 'WHAT WAS CHECKED')).toContain('11:05  Note: Checked the tunnel');
    expect(sectionOf(berlin, 'TIME SPENT')).toContain('1 hour 5 minutes (10:00–11:05 GMT+1 on 2026-12-01)');

    for (const timeZone of ['Mars/Olympus', '+01:00', 42]) {
      const bad = await ctx.request('PUT', '/v1/settings', { token: admin.token, body: { timeZone } });
      expect(bad.status, String(timeZone)).toBe(400);
      expect(bad.body.error.code).toBe('invalid_input');
    }
    const set = await ctx.request('PUT', '/v1/settings', { token: admin.token, body: { timeZone: 'America/New_York' } });
    expect(set.status).toBe(200);
    const ny = await note();
    expect(ny).toContain('Session started 2026-12-01 04:00 EST; times below are America/New_York time.');
    expect(sectionOf(ny, 'TIME SPENT')).toContain('(04:00–05:05 EST on 2026-12-01)');

    expect((await ctx.request('PUT', '/v1/settings', { token: admin.token, body: { timeZone: null } })).status).toBe(200);
    expect(await note()).toContain('times below are Europe/Berlin time.');
  });
});
