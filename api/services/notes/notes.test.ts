// The resolution note from a scripted session through a starter flow: sections, order, timestamps,
// formats, redaction everywhere the note goes, and the ETag/304 cache.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Registered, type TestContext } from '../../test/harness.js';
import { renderEscalationPackage, renderResolutionNote } from './index.js';

let t: TestContext;
let admin: Registered;
let sessionId: string;
const steps: { at: string; title: string }[] = [];
const SECRET = 'Adm1n!Local';
const TICKET_SECRET = 'Winter2026!';

const SECTIONS = ['PROBLEM', 'WHAT WE CONFIRMED', 'ROOT CAUSE', 'RESOLUTION', 'WHAT WAS CHECKED', 'NEXT STEPS', 'TIME SPENT'];

function sectionOf(text: string, heading: string): string {
  const start = text.indexOf(`\n${heading}\n`);
  expect(start, `section ${heading}`).toBeGreaterThan(-1);
  const rest = text.slice(start + heading.length + 2);
  const next = SECTIONS.map((h) => rest.indexOf(`\n${h}\n`)).filter((i) => i >= 0);
  return next.length ? rest.slice(0, Math.min(...next)) : rest;
}

const hhmm = (iso: string) => iso.slice(11, 16);

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.register('notes');
  const outlook = (await t.request('GET', '/v1/flows?q=outlook%20password', { token: admin.token })).body.flows[0];
  expect(outlook.title).toBe('Outlook keeps asking for a password or will not open');
  const session = await t.openSession(admin, {
    summary: 'Outlook keeps prompting for password after Microsoft 365 migration',
    company: 'Acme Dental',
    contact: 'Dr. Reyes',
    description: `Since Friday Outlook asks for the password every few minutes. I set a temp password is ${TICKET_SECRET} for testing.`,
  });
  sessionId = session.id;
  const chosen = await t.request('PATCH', `/v1/sessions/${sessionId}`, { token: admin.token, body: { flowId: outlook.id } });
  expect(chosen.status).toBe(200);
  expect(chosen.body.session.currentNodeId).toBe('owa');

  const walk: [string, string | undefined, string?][] = [
    ['owa', 'yes', 'Signed in as the user in a private window'],
    ['desktop', 'prompts'],
    ['credentials', 'still'],
    ['modern_auth', 'ok'],
    ['new_profile', 'fixed'],
  ];
  for (const [nodeId, optionId, note] of walk) {
    const res = await t.request('POST', `/v1/sessions/${sessionId}/steps`, { token: admin.token, body: { nodeId, optionId, note } });
    expect(res.status, res.text).toBe(201);
    steps.push({ at: res.body.item.at, title: res.body.item.nodeTitle });
  }
  const cmd = await t.request('POST', `/v1/sessions/${sessionId}/events`, { token: admin.token, body: { kind: 'command', text: 'cmdkey /list | findstr /i "MicrosoftOffice"' } });
  expect(cmd.status).toBe(201);
  await t.request('POST', `/v1/sessions/${sessionId}/events`, { token: admin.token, body: { kind: 'observation', text: 'Three stale MicrosoftOffice16_Data entries' } });
  const laneOwa = (await t.request('GET', `/v1/sessions/${sessionId}`, { token: admin.token })).body.session.lane[1];
  expect((await t.request('POST', `/v1/sessions/${sessionId}/facts`, { token: admin.token, body: { text: 'Webmail works, so the account is fine', sourceRef: `lane:${laneOwa.id}` } })).status).toBe(201);
  expect((await t.request('POST', `/v1/sessions/${sessionId}/facts`, { token: admin.token, body: { text: `Local admin password: ${SECRET} (used to clear credentials)` } })).status).toBe(201);
  const fix = await t.request('POST', `/v1/sessions/${sessionId}/fixes`, { token: admin.token, body: { title: 'Rebuilt the Outlook profile', body: 'Created a new profile and set it as default.' } });
  expect((await t.request('POST', `/v1/sessions/${sessionId}/fixes/${fix.body.fix.id}/accept`, { token: admin.token })).status).toBe(200);
  expect((await t.request('PATCH', `/v1/sessions/${sessionId}`, { token: admin.token, body: { rootCause: 'The Outlook profile was damaged by the migration' } })).status).toBe(200);
});
afterAll(() => t.close());

describe('the resolution note', () => {
  it('has the four core sections and the rest, in order, with what happened in each', async () => {
    const res = await t.request('GET', `/v1/sessions/${sessionId}/resolution-note?format=text`, { token: admin.token });
    expect(res.status).toBe(200);
    const text: string = res.body.note.text;
    if (process.env.SHOW_NOTE) console.log(text);
    const positions = SECTIONS.map((h) => text.indexOf(`\n${h}\n`));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);

    expect(sectionOf(text, 'PROBLEM')).toContain('Outlook keeps prompting for password after Microsoft 365 migration');
    expect(sectionOf(text, 'PROBLEM')).toContain('Outlook keeps asking for a password or will not open (version 1)');
    expect(sectionOf(text, 'WHAT WE CONFIRMED')).toContain('• Webmail works, so the account is fine (from the step "Does the mailbox work in Outlook on the web?"');
    expect(sectionOf(text, 'ROOT CAUSE')).toContain('The Outlook profile was damaged by the migration');
    expect(sectionOf(text, 'RESOLUTION')).toContain('Rebuilt the Outlook profile');
    expect(sectionOf(text, 'RESOLUTION')).toContain('Created a new profile and set it as default.');
    expect(sectionOf(text, 'NEXT STEPS')).toContain('Dr. Reyes');
    expect(sectionOf(text, 'TIME SPENT')).toMatch(/\d+ minutes?|under a minute/);

    // What was checked: every step in order, each with its clock time and its result.
    const checked = sectionOf(text, 'WHAT WAS CHECKED');
    let from = 0;
    for (const step of steps) {
      const at = checked.indexOf(`${hhmm(step.at)}  `, from);
      const title = checked.indexOf(step.title, from);
      expect(title, step.title).toBeGreaterThan(-1);
      expect(at).toBeGreaterThan(-1);
      expect(at).toBeLessThan(title);
      from = title;
    }
    expect(checked).toContain('Asked: Does the mailbox work in Outlook on the web? → Yes, webmail works');
    expect(checked).toContain('Checked: Check modern authentication and the Office build → Modern authentication is on and Office is current');
    expect(checked).toContain('Note: Signed in as the user in a private window');
    expect(checked).toContain('Command: cmdkey /list | findstr /i "MicrosoftOffice"');
    expect(checked.indexOf('Ran a command')).toBeGreaterThan(checked.indexOf('Create a new Outlook profile'));
    expect(checked).toContain('Observed: Three stale MicrosoftOffice16_Data entries');
  });

  it('the text format has no markdown artefacts and reads as plain text', async () => {
    const text: string = (await t.request('GET', `/v1/sessions/${sessionId}/resolution-note?format=text`, { token: admin.token })).body.note.text;
    expect(text).not.toMatch(/^#/m);
    expect(text).not.toMatch(/\*\*|__|`|\]\(|^>|^\s*[-*] /m);
    expect(text).not.toMatch(/<\/?[a-z]/i);
    expect(text).not.toMatch(/\\[\\`*_[\]#<>]/);
    expect(text.split('\n').every((l) => l.length < 400)).toBe(true);
  });

  it('markdown has headings; HTML is escaped and built from a fixed set of tags', async () => {
    const md: string = (await t.request('GET', `/v1/sessions/${sessionId}/resolution-note?format=markdown`, { token: admin.token })).body.note.text;
    for (const h of ['### Problem', '### What we confirmed', '### Root cause', '### Resolution', '### What was checked', '### Next steps', '### Time spent']) expect(md).toContain(h);
    expect(md).toContain('`cmdkey /list | findstr /i "MicrosoftOffice"`');

    await t.request('POST', `/v1/sessions/${sessionId}/events`, { token: admin.token, body: { kind: 'note', text: '<script>alert(1)</script><img src=x onerror=alert(2)> [click](javascript:alert(3))' } });
    const html: string = (await t.request('GET', `/v1/sessions/${sessionId}/resolution-note?format=html`, { token: admin.token })).body.note.text;
    expect(html).toContain('<h3>Problem</h3>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/<script|<img|href=/i);
    const attributes = [...html.matchAll(/<[a-z0-9]+((?:\s+[a-z-]+="[^"]*")*)\s*>/g)].flatMap((m) => [...m[1]!.matchAll(/([a-z-]+)=/g)].map((a) => a[1]));
    expect(new Set(attributes)).toEqual(new Set(['class', 'title', 'datetime']));
    const tags = new Set([...html.matchAll(/<\/?([a-z0-9]+)/g)].map((m) => m[1]));
    expect([...tags].every((tag) => ['article', 'h2', 'h3', 'p', 'br', 'ul', 'li', 'strong', 'em', 'code', 'pre', 'time', 'mark'].includes(tag!))).toBe(true);
    const md2: string = (await t.request('GET', `/v1/sessions/${sessionId}/resolution-note?format=markdown`, { token: admin.token })).body.note.text;
    expect(md2).not.toContain('[click](javascript');
    expect(md2).toContain('\\<script\\>');
  });

  it('can be fetched as the bare document for curl', async () => {
    const res = await t.request('GET', `/v1/sessions/${sessionId}/resolution-note?format=text`, { token: admin.token, headers: { Accept: 'text/plain' } });
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(res.text.startsWith('RESOLUTION NOTE: OUTLOOK KEEPS PROMPTING')).toBe(true);
  });
});

describe('a secret typed into a fact or the ticket never leaves', () => {
  it('is absent from the preview in every format, and the preview marks it', async () => {
    for (const format of ['text', 'markdown', 'html']) {
      const res = await t.request('GET', `/v1/sessions/${sessionId}/resolution-note?format=${format}`, { token: admin.token });
      expect(res.text).not.toContain(SECRET);
      expect(res.text).not.toContain(TICKET_SECRET);
      expect(res.body.note.redactions.password).toBe(2);
    }
    const text = (await t.request('GET', `/v1/sessions/${sessionId}/resolution-note?format=text`, { token: admin.token })).body.note.text;
    expect(text).toContain('Local admin password: [redacted password] (used to clear credentials)');
    const html = (await t.request('GET', `/v1/sessions/${sessionId}/resolution-note?format=html`, { token: admin.token })).body.note.text;
    expect(html).toContain('<mark class="fp-redacted"');
  });

  it('is absent from what posting gets (renderResolutionNote / renderEscalationPackage) and from a shared link', async () => {
    const posted = await t.db.tenant({ accountId: admin.accountId }, (tx) => renderResolutionNote(tx, sessionId, 'text', { redact: true }));
    expect(posted.text).not.toContain(SECRET);
    expect(posted.redactionCount).toBe(2);
    const pkg = await t.db.tenant({ accountId: admin.accountId }, (tx) => renderEscalationPackage(tx, sessionId, 'markdown'));
    expect(pkg.text).not.toContain(SECRET);
    const raw = await t.db.tenant({ accountId: admin.accountId }, (tx) => renderResolutionNote(tx, sessionId, 'text', { redact: false }));
    expect(raw.text).toContain(SECRET);

    const share = await t.request('POST', `/v1/sessions/${sessionId}/share`, { token: admin.token, body: {} });
    expect(share.status).toBe(201);
    const path = new URL(share.body.url).pathname;
    const shared = await t.request('GET', path);
    expect(shared.status).toBe(200);
    expect(shared.text).not.toContain(SECRET);
    expect(shared.text).not.toContain(TICKET_SECRET);
    expect(shared.body.note.text).toContain('### Resolution');
    expect(shared.body.readOnly).toBe(true);
  });

  it('follows the account\'s own redaction words', async () => {
    expect((await t.request('PUT', '/v1/settings', { token: admin.token, body: { redaction: { words: ['Acme Dental'] } } })).status).toBe(200);
    const text = (await t.request('GET', `/v1/sessions/${sessionId}/resolution-note?format=text`, { token: admin.token })).body.note.text;
    expect(text).not.toContain('Acme Dental');
    expect(text).toContain('[redacted account word]');
    await t.request('PUT', '/v1/settings', { token: admin.token, body: { redaction: { words: [] } } });
  });
});

describe('ETag and the render cache', () => {
  it('answers 304 for the current version, re-renders when state_version moves, and reads never bump it', async () => {
    const first = await t.request('GET', `/v1/sessions/${sessionId}/resolution-note?format=text`, { token: admin.token });
    const etag = first.headers.get('etag')!;
    expect(etag).toBe(`"${first.body.note.stateVersion}"`);
    const again = await t.request('GET', `/v1/sessions/${sessionId}/resolution-note?format=text`, { token: admin.token, headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    const [cached] = await t.owner`select state_version from session_note_renders where session_id = ${sessionId} and format = 'text' and document = 'resolution'`;
    expect(cached!.state_version).toBe(first.body.note.stateVersion);
    const detail = await t.request('GET', `/v1/sessions/${sessionId}`, { token: admin.token });
    expect(detail.body.session.stateVersion).toBe(first.body.note.stateVersion);

    await t.request('POST', `/v1/sessions/${sessionId}/events`, { token: admin.token, body: { kind: 'observation', text: 'User confirmed no more prompts' } });
    const stale = await t.request('GET', `/v1/sessions/${sessionId}/resolution-note?format=text`, { token: admin.token, headers: { 'If-None-Match': etag } });
    expect(stale.status).toBe(200);
    expect(stale.headers.get('etag')).toBe(`"${first.body.note.stateVersion + 1}"`);
    expect(stale.body.note.text).toContain('User confirmed no more prompts');
    const [recached] = await t.owner`select state_version from session_note_renders where session_id = ${sessionId} and format = 'text' and document = 'resolution'`;
    expect(recached!.state_version).toBe(first.body.note.stateVersion + 1);
  });

  it('serves a repeat render from the cache', async () => {
    const a = await t.db.tenant({ accountId: admin.accountId }, (tx) => renderResolutionNote(tx, sessionId, 'markdown'));
    const b = await t.db.tenant({ accountId: admin.accountId }, (tx) => renderResolutionNote(tx, sessionId, 'markdown'));
    expect(b.cached).toBe(true);
    expect(b.text).toBe(a.text);
  });

  it("another account's session is a 404, and bad formats a 400", async () => {
    const stranger = await t.register('stranger');
    expect((await t.request('GET', `/v1/sessions/${sessionId}/resolution-note`, { token: stranger.token })).status).toBe(404);
    expect((await t.request('POST', `/v1/sessions/${sessionId}/share`, { token: stranger.token, body: {} })).status).toBe(404);
    expect((await t.request('GET', `/v1/sessions/${sessionId}/resolution-note?format=pdf`, { token: admin.token })).status).toBe(400);
  });
});

describe('share links', () => {
  it('refuses a tampered or expired token', async () => {
    const share = await t.request('POST', `/v1/sessions/${sessionId}/share`, { token: admin.token, body: { expiresInHours: 1 } });
    const path = new URL(share.body.url).pathname;
    const token = path.split('/').pop()!;
    const tampered = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const bad = await t.request('GET', `/v1/shared/${tampered}`);
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('unauthorized');

    const later = await createTestContext({ deps: { now: () => new Date(Date.now() + 2 * 3600_000) } });
    try {
      expect((await later.request('GET', path)).status).toBe(401);
    } finally {
      await later.close();
    }
    // Forged with another key.
    const other = await t.request('GET', `/v1/shared/${'eyJhbGciOiJIUzI1NiJ9.' + 'e30.' + 'x'.repeat(43)}`);
    expect(other.status).toBe(401);
  });
});

describe('time spent', () => {
  it('counts the session from start to its last event, without the time it was paused', async () => {
    const s = await t.openSession(admin, { summary: 'Slow laptop' });
    await t.request('PATCH', `/v1/sessions/${s.id}`, { token: admin.token, body: { status: 'paused' } });
    await t.request('PATCH', `/v1/sessions/${s.id}`, { token: admin.token, body: { status: 'active' } });
    await t.request('POST', `/v1/sessions/${s.id}/events`, { token: admin.token, body: { kind: 'note', text: 'Back on it' } });
    // Move the timeline: started 09:00, paused 09:10, resumed 10:10, last note 10:25.
    const base = Date.UTC(2026, 8, 15, 9, 0);
    const iso = (min: number) => new Date(base + min * 60_000).toISOString();
    await t.owner`update ai_sessions set created_at = ${new Date(base)},
      pending_task_lane = jsonb_build_array(
        pending_task_lane->0 || jsonb_build_object('at', ${iso(10)}::text),
        pending_task_lane->1 || jsonb_build_object('at', ${iso(70)}::text),
        pending_task_lane->2 || jsonb_build_object('at', ${iso(85)}::text)),
      state_version = state_version + 1
      where id = ${s.id}`;
    const text: string = (await t.request('GET', `/v1/sessions/${s.id}/resolution-note?format=text`, { token: admin.token })).body.note.text;
    expect(sectionOf(text, 'TIME SPENT')).toContain('25 minutes of work (09:00–10:25 UTC on 2026-09-15, paused for 1 hour)');
    expect(sectionOf(text, 'WHAT WAS CHECKED')).toContain('09:10  Session paused');
    expect(sectionOf(text, 'WHAT WAS CHECKED')).toContain('10:25  Note: Back on it');
  });
});
