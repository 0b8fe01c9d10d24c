// Account settings: read merged with defaults by anyone signed in; changed by team admins. The ConnectWise
// connection and member mapping live under /psa (settings/psa.ts).
import { Hono } from 'hono';
import type { AppEnv } from '../../lib/http.js';
import { authOf, requireRole, validate, withTenant } from '../../lib/http.js';
import { preferencesPatchSchema, readPreferences, writePreferences } from '../../services/settings.js';
import { psaSettingsRoutes } from './psa.js';
import { redactionTestRoutes } from '../team.js';

export const settingsRoutes = new Hono<AppEnv>()
  .get('/', async (c) => c.json({ settings: await withTenant(c, readPreferences) }))
  .put('/', requireRole('team_admin'), validate('json', preferencesPatchSchema), async (c) => {
    const auth = authOf(c);
    const patch = c.req.valid('json');
    return c.json({ settings: await withTenant(c, (tx) => writePreferences(tx, auth.accountId, auth.userId, patch)) });
  })
  .route('/psa', psaSettingsRoutes)
  .route('/redaction', redactionTestRoutes);
