// Reports at /v1/reports: team admins see everyone (or one person with ?userId), engineers and viewers see their own figures.
import { Hono } from 'hono';
import type { AppEnv } from '../lib/http.js';
import { authOf, validate, withTenant } from '../lib/http.js';
import { documentationTimes, engineerWeeks, rangeOf, reportQuery, subjectOf, usageByMonthAndTier } from '../services/reports.js';

export const reportRoutes = new Hono<AppEnv>()
  // Tokens and cost per month and model tier; defaults to the last year.
  .get('/usage', validate('query', reportQuery), async (c) => {
    const q = c.req.valid('query');
    const range = rangeOf(q, c.get('deps').now(), 365);
    const userId = subjectOf(authOf(c), q.userId);
    const months = await withTenant(c, (tx) => usageByMonthAndTier(tx, range, userId));
    return c.json({ from: range.from.toISOString(), until: range.until.toISOString(), userId, months });
  })
  // Sessions resolved and escalated, minutes logged, per engineer per week; defaults to the last 12 weeks.
  .get('/engineers', validate('query', reportQuery), async (c) => {
    const q = c.req.valid('query');
    const range = rangeOf(q, c.get('deps').now(), 84);
    const userId = subjectOf(authOf(c), q.userId);
    const weeks = await withTenant(c, (tx) => engineerWeeks(tx, range, userId));
    return c.json({ from: range.from.toISOString(), until: range.until.toISOString(), userId, weeks });
  })
  // Measured documentation time per ticket (fix accepted → note posted); defaults to the last 90 days.
  .get('/documentation-time', validate('query', reportQuery), async (c) => {
    const q = c.req.valid('query');
    const range = rangeOf(q, c.get('deps').now(), 90);
    const userId = subjectOf(authOf(c), q.userId);
    const result = await withTenant(c, (tx) => documentationTimes(tx, range, userId));
    return c.json({ from: range.from.toISOString(), until: range.until.toISOString(), userId, ...result });
  });
