// The signed-in user, and user management for team admins.
import { Hono } from 'hono';
import { z } from 'zod';
import { hashPassword } from '../auth/passwords.js';
import { ROLES, roleAtLeast, type Role } from '../auth/tokens.js';
import { forbidden, notFound } from '../lib/errors.js';
import type { AppEnv } from '../lib/http.js';
import { callsOut } from '../lib/idempotency.js';
import { authOf, requireRole, validate, withTenant } from '../lib/http.js';
import { insertUser, userView, type UserRow } from '../services/users.js';
import { emailSchema, passwordSchema } from './auth.js';

const USER_COLUMNS = 'id, account_id, email, name, role, disabled_at, created_at';
const idParam = z.object({ id: z.string().uuid('must be a user id') });
const roleSchema = z.enum(ROLES as [Role, ...Role[]]);

export const meRoutes = new Hono<AppEnv>().get('/', async (c) => {
  const auth = authOf(c);
  const found = await withTenant(c, async (tx) => {
    const [user] = await tx<[UserRow?]>`select ${tx.unsafe(USER_COLUMNS)} from users where id = ${auth.userId}`;
    const [account] = await tx<[{ id: string; name: string }?]>`select id, name from accounts where id = ${auth.accountId}`;
    return user && account ? { user: userView(user), account } : null;
  });
  if (!found) throw notFound('User');
  return c.json(found);
});

/** A team admin manages engineers and viewers; only a super admin grants or changes super admins. */
function assertMayAssign(actor: Role, target: Role) {
  if (target === 'super_admin' && actor !== 'super_admin') throw forbidden('Only a super admin can grant the super admin role.');
}

export const userRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const users = await withTenant(c, (tx) => tx<UserRow[]>`select ${tx.unsafe(USER_COLUMNS)} from users order by created_at`);
    return c.json({ users: users.map(userView) });
  })
  .post(
    '/',
    // The password hash is deliberately slow: no transaction is held while it runs.
    callsOut(),
    requireRole('team_admin'),
    validate('json', z.object({ name: z.string().trim().min(1).max(200), email: emailSchema, password: passwordSchema, role: roleSchema })),
    async (c) => {
      const body = c.req.valid('json');
      const auth = authOf(c);
      assertMayAssign(auth.role, body.role);
      const passwordHash = await hashPassword(body.password, { logN: c.get('deps').config.scryptLogN });
      const user = await withTenant(c, (tx) => insertUser(tx, auth.accountId, { ...body, passwordHash }));
      return c.json({ user: userView(user) }, 201);
    },
  )
  .patch(
    '/:id',
    requireRole('team_admin'),
    validate('param', idParam),
    validate('json', z.object({ name: z.string().trim().min(1).max(200).optional(), role: roleSchema.optional(), disabled: z.boolean().optional() }).strict()),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const auth = authOf(c);
      const user = await withTenant(c, async (tx) => {
        const [current] = await tx<[UserRow?]>`select ${tx.unsafe(USER_COLUMNS)} from users where id = ${id} for update`;
        if (!current) throw notFound('User');
        if (current.role === 'super_admin' || body.role) assertMayAssign(auth.role, body.role ?? current.role);
        if (id === auth.userId && ((body.role && !roleAtLeast(body.role, 'team_admin')) || body.disabled)) {
          throw forbidden('You cannot demote or disable yourself; ask another admin.');
        }
        const [updated] = await tx<[UserRow]>`
          update users set
            name = coalesce(${body.name ?? null}, name),
            role = coalesce(${body.role ?? null}, role),
            disabled_at = case when ${body.disabled ?? null}::boolean is null then disabled_at
                               when ${body.disabled ?? null}::boolean then coalesce(disabled_at, now()) else null end
          where id = ${id} returning ${tx.unsafe(USER_COLUMNS)}`;
        if (body.disabled) await tx`update refresh_tokens set revoked_at = now() where user_id = ${id} and revoked_at is null`;
        return updated;
      });
      return c.json({ user: userView(user) });
    },
  );
