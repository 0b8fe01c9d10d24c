// Account settings: read merged with defaults by anyone signed in; changed by team admins.
import { Hono } from 'hono';
import type { AppEnv } from '../lib/http.js';
import { authOf, requireRole, validate, withTenant } from '../lib/http.js';
import { preferencesPatchSchema, readPreferences, writePreferences } from '../services/settings.js';

export const settingsRoutes = new Hono<AppEnv>()
  .get('/', async (c) => c.json({ settings: await withTenant(c, readPreferences) }))
  .put('/', requireRole('team_admin'), validate('json', preferencesPatchSchema), async (c) => {
    const auth = authOf(c);
    const patch = c.req.valid('json');
    return c.json({ settings: await withTenant(c, (tx) => writePreferences(tx, auth.accountId, auth.userId, patch)) });
  });
