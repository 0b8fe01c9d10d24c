// db.tenant sends the tenant settings pipelined ahead of the first statement (one round trip
// fewer); every statement, the first included, must still run under the caller's tenant, also when
// many transactions for different tenants share a small pool.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openAppDatabase } from './database.js';

const db = openAppDatabase(inject('appUrl'), { max: 2 });
afterAll(() => db.close());

describe('db.tenant', () => {
  it('sets the tenant before the first statement of every transaction', async () => {
    const ctxs = Array.from({ length: 40 }, (_, i) => ({ accountId: randomUUID(), userId: i % 3 ? randomUUID() : null }));
    const seen = await Promise.all(
      ctxs.map((ctx) =>
        db.tenant(ctx, async (tx) => {
          const [first] = await tx<[{ a: string; u: string }]>`select current_setting('app.current_account_id') as a, current_setting('app.current_user_id') as u`;
          const [second] = await tx<[{ a: string }]>`select current_setting('app.current_account_id') as a`;
          return { first, second };
        }),
      ),
    );
    seen.forEach((s, i) => {
      expect(s.first).toEqual({ a: ctxs[i]!.accountId, u: ctxs[i]!.userId ?? '' });
      expect(s.second.a).toBe(ctxs[i]!.accountId);
    });
  });

  it('rolls back and reports the error when a statement fails, and the connection stays usable', async () => {
    const ctx = { accountId: randomUUID() };
    await expect(db.tenant(ctx, (tx) => tx`select 1/0`)).rejects.toThrow(/division by zero/);
    const [r] = await db.tenant(ctx, (tx) => tx<[{ a: string }]>`select current_setting('app.current_account_id') as a`);
    expect(r.a).toBe(ctx.accountId);
  });

  it('leaves nothing set on the pooled connection after the transaction', async () => {
    await db.tenant({ accountId: randomUUID() }, (tx) => tx`select 1`);
    const rows = await Promise.all([db.sql`select current_setting('app.current_account_id', true) as a`, db.sql`select current_setting('app.current_account_id', true) as a`]);
    for (const [r] of rows) expect(r!.a ?? '').toBe('');
  });
});
