// Builds the real app against the test database (as the non-owner app role) and gives tests a small HTTP vocabulary.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { createApp } from '../app.js';
import { buildDeps } from '../bootstrap.js';
import { loadConfig } from '../config.js';
import { openAppDatabase, poolOptionsFrom } from '../db/database.js';
import { startInstance } from '../db/instances.js';
import type { Deps } from '../deps.js';
import { createLogger } from '../lib/log.js';
import { testConfigEnv } from './secret.js';

export interface TestResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  /** Sent verbatim (malformed JSON, oversized bodies). */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface Registered {
  token: string;
  refreshToken: string;
  userId: string;
  accountId: string;
  email: string;
  password: string;
}

export type TestContext = Awaited<ReturnType<typeof createTestContext>>;

export async function createTestContext(opts: { env?: Record<string, string>; deps?: Partial<Deps> } = {}) {
  const config = loadConfig(testConfigEnv('debug', opts.env));
  const db = openAppDatabase(inject('appUrl'), poolOptionsFrom(config.database));
  const sql = db.sql;
  const owner = postgres(inject('ownerUrl'), { max: 2, onnotice: () => {} });
  const logs: string[] = [];
  const deps = buildDeps(config, db, createLogger('debug', (l) => logs.push(l)), opts.deps);
  const app = createApp(deps);
  // The in-process app is an API instance too: registered and heartbeating, so its claims stay alive.
  const instance = await startInstance(db, deps.log, deps.instanceId);

  async function request<T = any>(method: string, path: string, o: RequestOptions = {}): Promise<TestResponse<T>> {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token) headers.Authorization = `Bearer ${o.token}`;
    let body: string | undefined = o.rawBody;
    if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['Content-Type'] ??= 'application/json';
    } else if (o.rawBody !== undefined) headers['Content-Type'] ??= 'application/json';
    const res = await app.request(path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed as T, headers: res.headers, text };
  }

  async function register(label = 'acct'): Promise<Registered> {
    const email = `${label}-${randomBytes(5).toString('hex')}@example.test`;
    const password = `pw-${randomBytes(8).toString('hex')}`;
    const res = await request('POST', '/v1/auth/register', { body: { accountName: `${label} MSP`, name: `${label} Admin`, email, password } });
    if (res.status !== 201) throw new Error(`register failed: ${res.status} ${res.text}`);
    return { token: res.body.accessToken, refreshToken: res.body.refreshToken, userId: res.body.user.id, accountId: res.body.user.accountId, email, password };
  }

  /** Adds a user with the given role to the account of `admin` and signs them in. */
  async function addUser(admin: Registered, role: 'team_admin' | 'engineer' | 'viewer', label: string = role): Promise<Registered> {
    const email = `${label}-${randomBytes(5).toString('hex')}@example.test`;
    const password = `pw-${randomBytes(8).toString('hex')}`;
    const created = await request('POST', '/v1/users', { token: admin.token, body: { name: label, email, password, role } });
    if (created.status !== 201) throw new Error(`add user failed: ${created.status} ${created.text}`);
    const login = await request('POST', '/v1/auth/login', { body: { email, password } });
    return { token: login.body.accessToken, refreshToken: login.body.refreshToken, userId: login.body.user.id, accountId: admin.accountId, email, password };
  }

  let ticketSeq = 100000 + Math.floor(Math.random() * 800000);
  async function openSession(who: Registered, ticket: Record<string, unknown> = {}) {
    const res = await request('POST', '/v1/sessions', {
      token: who.token,
      body: { ticket: { externalId: String(ticketSeq++), summary: 'Outlook keeps asking for a password', company: 'Acme Dental', ...ticket } },
    });
    if (res.status !== 201 && res.status !== 200) throw new Error(`open session failed: ${res.status} ${res.text}`);
    return res.body.session;
  }

  return {
    app,
    deps,
    db,
    sql,
    owner,
    logs,
    request,
    register,
    addUser,
    openSession,
    instance,
    async close() {
      await instance.stop();
      await sql.end({ timeout: 5 });
      await owner.end({ timeout: 5 });
    },
  };
}
