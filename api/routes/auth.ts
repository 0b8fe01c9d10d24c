// Sign-up, sign-in, token refresh and sign-out.
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import { hashPassword } from '../auth/passwords.js';
import type { AppEnv } from '../lib/http.js';
import { clientAddress, validate } from '../lib/http.js';
import { seedStarterFlows } from '../services/flows/index.js';
import { insertUser, issueTokens, login, logout, recordRegistrationAttempt, refresh, userView } from '../services/users.js';

export const passwordSchema = z.string().min(10, 'must be at least 10 characters').max(200);
export const emailSchema = z.string().trim().max(254).email('must be an email address');

const registerBody = z.object({
  accountName: z.string().trim().min(1).max(200),
  name: z.string().trim().min(1).max(200),
  email: emailSchema,
  password: passwordSchema,
});
const loginBody = z.object({ email: z.string().max(254), password: z.string().max(200) });
const refreshBody = z.object({ refreshToken: z.string().min(1).max(500) });

export const authRoutes = new Hono<AppEnv>()
  .post('/register', validate('json', registerBody), async (c) => {
    const body = c.req.valid('json');
    const deps = c.get('deps');
    await recordRegistrationAttempt(deps, clientAddress(c));
    const passwordHash = await hashPassword(body.password, { logN: deps.config.scryptLogN });
    const accountId = randomUUID();
    const result = await deps.db.tenant({ accountId }, async (tx) => {
      await tx`insert into accounts (id, name) values (${accountId}, ${body.accountName})`;
      const user = await insertUser(tx, accountId, { ...body, passwordHash, role: 'team_admin' });
      await seedStarterFlows(tx, accountId);
      const tokens = await issueTokens(deps, tx, { userId: user.id, accountId, role: user.role });
      return { ...tokens, user: userView(user) };
    });
    return c.json(result, 201);
  })
  .post('/login', validate('json', loginBody), async (c) => {
    const { email, password } = c.req.valid('json');
    return c.json(await login(c.get('deps'), email, password, clientAddress(c)));
  })
  .post('/refresh', validate('json', refreshBody), async (c) => {
    return c.json(await refresh(c.get('deps'), c.req.valid('json').refreshToken));
  })
  .post('/logout', validate('json', refreshBody), async (c) => {
    await logout(c.get('deps'), c.req.valid('json').refreshToken);
    return c.json({ ok: true });
  });
