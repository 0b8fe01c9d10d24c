// GET /v1/shared/:token — public and read-only. There is no signed-in user: the token names the account
// (to open its tenant transaction) and the stored link; see services/sharing.ts.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../lib/http.js';
import { validate } from '../lib/http.js';
import { readSharedSnapshot } from '../services/sharing.js';
import { noteQuery } from './sessions/notes.js';

export const sharedRoutes = new Hono<AppEnv>().get(
  '/:token',
  validate('param', z.object({ token: z.string().min(20).max(2000) })),
  validate('query', noteQuery),
  async (c) => {
    const deps = c.get('deps');
    const shared = await readSharedSnapshot(deps, c.req.valid('param').token, c.req.valid('query').format ?? 'markdown');
    c.header('Cache-Control', 'private, no-store');
    c.header('Referrer-Policy', 'no-referrer');
    return c.json(shared);
  },
);
