// The team page's own API: GET /v1/team (users, roles and who is mapped to a ConnectWise member) and the live redaction tester.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../lib/http.js';
import { requireRole, validate, withTenant } from '../lib/http.js';
import { defaultMarker, redact, rulesFromPreferences } from '../services/redaction/index.js';
import { preferencesSchema, readPreferences } from '../services/settings.js';

const testBody = z
  .object({
    text: z.string().min(1).max(20_000),
    /** Rules to try instead of the account's (each list given replaces the stored one); the same RE2 checks as saving them. */
    rules: preferencesSchema.shape.redaction.partial().strict().optional(),
  })
  .strict();

interface TeamRow {
  id: string;
  name: string;
  email: string;
  role: string;
  disabled_at: Date | null;
  psa_member_identifier: string | null;
  matched_by: string | null;
}

export const teamRoutes = new Hono<AppEnv>().get('/', async (c) => {
  const rows = await withTenant(c, (tx) => tx<TeamRow[]>`
    select u.id, u.name, u.email, u.role, u.disabled_at, m.psa_member_identifier, m.matched_by
    from users u left join member_mappings m on m.user_id = u.id
    order by u.disabled_at nulls first, u.name, u.id`);
  const users = rows.map((r) => ({
    id: r.id,
    name: r.name,
    email: r.email,
    role: r.role,
    disabled: r.disabled_at !== null,
    member: r.psa_member_identifier ? { identifier: r.psa_member_identifier, matchedBy: r.matched_by } : null,
  }));
  // Time entries and attributed notes fail for an active engineer without a member: the page lists them first.
  const unmapped = users.filter((u) => !u.disabled && !u.member && u.role !== 'viewer').map((u) => u.id);
  return c.json({ users, unmapped });
});

export const redactionTestRoutes = new Hono<AppEnv>().post('/test', requireRole('engineer'), validate('json', testBody), async (c) => {
  const { text, rules } = c.req.valid('json');
  const stored = rulesFromPreferences(await withTenant(c, readPreferences));
  const result = redact(text, { patterns: rules?.patterns ?? stored.patterns, words: rules?.words ?? stored.words });
  // Where each marker sits in the result, so the tester can highlight both sides.
  let shift = 0;
  const spots = result.findings.map((f) => {
    const marker = defaultMarker(f.kind);
    const spot = { kind: f.kind, rule: f.rule ?? null, start: f.start, end: f.end, redactedStart: f.start + shift, redactedEnd: f.start + shift + marker.length };
    shift += marker.length - (f.end - f.start);
    return spot;
  });
  return c.json({ text: result.text, spots, counts: result.counts });
});
