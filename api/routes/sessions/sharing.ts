// Share links (services/sharing.ts): engineers and up mint them (viewers only read); the creator and
// team admins list and revoke them. The link shows a redacted snapshot taken now.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../lib/http.js';
import { authOf, requireRole, validate, withTenant } from '../../lib/http.js';
import { createShareLink, listShareLinks, revokeShareLink } from '../../services/sharing.js';
import { idParam, uuid } from './params.js';

const shareParam = z.object({ id: uuid('session'), shareId: uuid('share link') });
const shareBody = z.object({ expiresInHours: z.number().int().min(1).max(24 * 30).default(72) }).default({ expiresInHours: 72 });

export const sharingRoutes = new Hono<AppEnv>()
  .post('/:id/share', requireRole('engineer'), validate('param', idParam), validate('json', shareBody), async (c) => {
    const { id } = c.req.valid('param');
    const { expiresInHours } = c.req.valid('json');
    const deps = c.get('deps');
    const { token, link } = await withTenant(c, (tx) => createShareLink(tx, deps, authOf(c), id, expiresInHours * 3600));
    return c.json({ url: `${deps.config.publicUrl}/v1/shared/${token}`, expiresAt: link.expiresAt, share: link }, 201);
  })
  .get('/:id/shares', validate('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    const shares = await withTenant(c, (tx) => listShareLinks(tx, c.get('deps'), authOf(c), id));
    return c.json({ shares });
  })
  .delete('/:id/shares/:shareId', validate('param', shareParam), async (c) => {
    const { id, shareId } = c.req.valid('param');
    const share = await withTenant(c, (tx) => revokeShareLink(tx, c.get('deps'), authOf(c), id, shareId));
    return c.json({ share });
  });
