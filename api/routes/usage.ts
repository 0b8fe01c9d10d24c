// GET /v1/usage: the account's model usage and cost by month.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../lib/http.js';
import { validate, withTenant } from '../lib/http.js';
import { usageSummary } from '../services/ai/usage.js';

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM');
const usageQuery = z.object({ from: month.optional(), to: month.optional() });

export const usageRoutes = new Hono<AppEnv>().get('/', validate('query', usageQuery), async (c) => {
  const q = c.req.valid('query');
  const months = await withTenant(c, (tx) => usageSummary(tx, q));
  return c.json({ months });
});
