// GET /v1/search?q= — one ranked list across flows, resolved sessions and script templates.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../lib/http.js';
import { validate, withTenant } from '../lib/http.js';
import { searchKnowledge } from '../services/ai/hybrid.js';
import { SEARCH_TYPES, type SearchHitType } from '../services/search.js';

const query = z.object({
  q: z.string().trim().min(1, 'type something to search for').max(200),
  // ?type=flow,script narrows the search.
  type: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return undefined;
      const list = v.split(',').map((s) => s.trim());
      const bad = list.filter((s) => !SEARCH_TYPES.includes(s as SearchHitType));
      if (bad.length) ctx.addIssue({ code: 'custom', message: `unknown type ${bad.join(', ')} (use ${SEARCH_TYPES.join(', ')})` });
      return list as SearchHitType[];
    }),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const searchRoutes = new Hono<AppEnv>().get('/', validate('query', query), async (c) => {
  const { q, type, limit } = c.req.valid('query');
  // Full-text search, fused with vector search when VOYAGE_API_KEY is set (mode/fullTextOnly say which ran).
  const deps = c.get('deps');
  const result = await searchKnowledge({ embedder: deps.ai?.embedder, log: deps.log }, (fn) => withTenant(c, fn), q, { types: type, limit });
  return c.json({ query: q, ...result });
});
