// More of the copilot on a session: the ticket summary, the customer reply, the escalation briefing and the outbound preview.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv, AppContext } from '../../lib/http.js';
import { authOf, validate, withTenant } from '../../lib/http.js';
import { summarizeTicket } from '../../services/ai/ticket-summary.js';

const idParam = z.object({ id: z.string().uuid('must be a session id') });

const tenantOf = (c: AppContext) => <T>(fn: Parameters<typeof withTenant<T>>[1]) => withTenant<T>(c, fn);

export const sessionCopilotExtraRoutes = new Hono<AppEnv>().get('/:id/summary', validate('param', idParam), async (c) => {
  const auth = authOf(c);
  const summary = await summarizeTicket({
    deps: c.get('deps'),
    who: { accountId: auth.accountId, userId: auth.userId },
    sessionId: c.req.valid('param').id,
    tenant: tenantOf(c),
    signal: c.req.raw.signal,
  });
  return c.json(summary);
});
