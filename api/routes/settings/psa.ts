// The account's ConnectWise connection (/v1/settings/psa) and its member mapping (/v1/settings/psa/members).
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../lib/http.js';
import { authOf, requireRole, validate, withTenant } from '../../lib/http.js';
import { badRequest, notFound } from '../../lib/errors.js';
import { callsOut } from '../../lib/idempotency.js';
import {
  assertKeyStaysBound,
  clientFor,
  connectionView,
  cw,
  deleteConnection,
  normalizeSite,
  readConnection,
  rememberCodebase,
  rememberServerTimeZone,
  requireConnection,
  saveConnection,
  toAppError,
} from '../../services/psa/connection.js';
import { ianaFromConnectWise } from '../../services/time-zone.js';
import { autoMatch, listMappings, mappingView, memberView, setMappings } from '../../services/psa/members.js';

const field = (name: string, max: number) => z.string().trim().min(1, `${name} is required`).max(max);

const connectionBody = z
  .object({
    site: field('site', 300),
    companyId: field('companyId', 100),
    publicKey: field('publicKey', 200),
    clientId: field('clientId', 100),
    privateKey: z.string().min(1).max(500).optional(),
  })
  .strict();

const testBody = connectionBody.partial().strict();

const membersBody = z
  .object({
    mappings: z.array(z.object({ userId: z.string().uuid(), memberIdentifier: z.string().trim().min(1).max(100).nullable() }).strict()).max(1000).optional(),
    autoMatch: z.boolean().optional(),
  })
  .strict();

export const psaSettingsRoutes = new Hono<AppEnv>()
  // ---- connection ----
  .get('/', async (c) => {
    const row = await withTenant(c, readConnection);
    return c.json({ connection: row ? connectionView(row) : null });
  })
  .put('/', requireRole('team_admin'), validate('json', connectionBody), async (c) => {
    const auth = authOf(c);
    const body = c.req.valid('json');
    const row = await withTenant(c, (tx) => saveConnection(tx, c.get('deps'), auth, body));
    return c.json({ connection: connectionView(row) });
  })
  .delete('/', requireRole('team_admin'), async (c) => {
    if (!(await withTenant(c, deleteConnection))) throw notFound('ConnectWise connection');
    return c.body(null, 204);
  })
  .post('/test', callsOut(), requireRole('team_admin'), validate('json', testBody), async (c) => {
    const auth = authOf(c);
    const deps = c.get('deps');
    const body = c.req.valid('json');
    const stored = await withTenant(c, readConnection);
    // Test the stored connection, or a candidate from the body (its private key, or the stored one).
    const candidate = {
      account_id: auth.accountId,
      site: body.site ? normalizeSite(body.site) : stored?.site,
      company_id: body.companyId ?? stored?.company_id,
      public_key: body.publicKey ?? stored?.public_key,
      client_id: body.clientId ?? stored?.client_id,
      private_key_encrypted: stored?.private_key_encrypted ?? '',
      codebase: stored && (!body.site || normalizeSite(body.site) === stored.site) && (!body.companyId || body.companyId === stored.company_id) ? stored.codebase : null,
    };
    if (!candidate.site || !candidate.company_id || !candidate.public_key || !candidate.client_id || (!body.privateKey && !stored)) {
      throw badRequest('Nothing to test: save a connection first, or send site, companyId, publicKey, clientId and privateKey.');
    }
    // Testing with the stored key: only against the site, company and public key it was saved with.
    if (stored && !body.privateKey) assertKeyStaysBound(stored, { site: candidate.site, companyId: candidate.company_id, publicKey: candidate.public_key });
    const client = clientFor(deps, { ...candidate, site: candidate.site, company_id: candidate.company_id, public_key: candidate.public_key, client_id: candidate.client_id }, body.privateKey);
    const info = await cw(() => client.systemInfo());
    const codebase = await client.codebase();
    const timeZone = ianaFromConnectWise(info.serverTimeZone);
    if (stored && candidate.site === stored.site && candidate.company_id === stored.company_id) {
      await withTenant(c, async (tx) => {
        if (!body.privateKey) await rememberCodebase(tx, stored, client);
        await rememberServerTimeZone(tx, stored, timeZone);
      });
    }
    return c.json({ ok: true, version: info.version, isCloud: info.isCloud, serverTimeZone: info.serverTimeZone ?? null, timeZone, codebase, apiUrl: client.origins.apiOrigin });
  })
  // ---- member mapping ----
  .get('/members', async (c) => {
    const deps = c.get('deps');
    const { rows, conn } = await withTenant(c, async (tx) => ({ rows: await listMappings(tx), conn: await readConnection(tx) }));
    let members: ReturnType<typeof memberView>[] | null = null;
    let membersError: { code: string; message: string } | null = null;
    if (conn) {
      try {
        members = (await clientFor(deps, conn).searchMembers({ conditions: 'inactiveFlag=false' })).map(memberView);
      } catch (err) {
        const e = toAppError(err) as { code?: string; message?: string };
        membersError = { code: e.code ?? 'psa_error', message: e.message ?? 'ConnectWise members could not be listed.' };
      }
    }
    return c.json({ users: rows.map(mappingView), members, membersError });
  })
  .put('/members', requireRole('team_admin'), validate('json', membersBody), async (c) => {
    const auth = authOf(c);
    const deps = c.get('deps');
    const body = c.req.valid('json');
    const conn = await withTenant(c, requireConnection);
    const members = await cw(() => clientFor(deps, conn).searchMembers());
    const result = await withTenant(c, async (tx) => {
      if (body.mappings?.length) await setMappings(tx, auth.accountId, body.mappings, members);
      const matched = body.autoMatch === false ? 0 : await autoMatch(tx, auth.accountId, members);
      return { matched, rows: await listMappings(tx) };
    });
    return c.json({ users: result.rows.map(mappingView), autoMatched: result.matched });
  });
