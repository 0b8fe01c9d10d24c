// The ConnectWise private key stays bound to where it was saved, and outbound calls reach only addresses the deployment allows.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../e2e/sim/simulator.js';
import { createTestContext, type Registered, type TestContext } from '../test/harness.js';

/** A loopback HTTP server that records every request (and can answer each with a redirect). */
interface Listener {
  url: string;
  port: number;
  requests: Array<{ method: string; url: string; authorization?: string }>;
  redirectTo?: string;
  close(): Promise<void>;
}

async function listen(host = '127.0.0.1'): Promise<Listener> {
  const l: Listener = {
    url: '',
    port: 0,
    requests: [],
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
  const server = http.createServer((req, res) => {
    l.requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    if (l.redirectTo) {
      res.writeHead(302, { location: `${l.redirectTo}${req.url}` }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ version: 'v2025.1.1', isCloud: false }));
  });
  await new Promise<void>((r) => server.listen(0, host, () => r()));
  l.port = (server.address() as AddressInfo).port;
  l.url = `http://127.0.0.1:${l.port}`;
  return l;
}

const basicFor = (companyId: string, publicKey: string, privateKey: string) => 'Basic ' + Buffer.from(`${companyId}+${publicKey}:${privateKey}`).toString('base64');

let sim: Simulator;
let listener: Listener;
let ctx: TestContext;

beforeAll(async () => {
  sim = await startSimulator();
  // Dual stack, so [::1] and 127.0.0.1 both reach it.
  listener = await listen('::');
  ctx = await createTestContext({ deps: { psa: { client: { timeoutMs: 1_500, retries: 0 } } } });
});
afterAll(async () => {
  await ctx?.close();
  await listener?.close();
  await sim?.close();
});
beforeEach(() => {
  sim.reset();
  listener.requests.length = 0;
  listener.redirectTo = undefined;
});

const connection = (over: Record<string, string> = {}) => ({ ...sim.connection, ...over });
const withoutKey = () => {
  const { privateKey: _omit, ...rest } = connection();
  return rest;
};

async function connectedAccount(c: TestContext, label: string): Promise<Registered> {
  const admin = await c.register(label);
  const res = await c.request('PUT', '/v1/settings/psa', { token: admin.token, body: connection() });
  expect(res.status).toBe(200);
  return admin;
}

describe('the stored private key goes only where it was saved for', () => {
  for (const change of ['site', 'companyId', 'publicKey'] as const) {
    it(`refuses a new ${change} without the private key, on test and on save, and sends the key nowhere`, async () => {
      const admin = await connectedAccount(ctx, `bind-${change}`);
      const changed = { site: listener.url, companyId: 'attacker_co', publicKey: 'attackerPub' }[change];
      sim.reset();
      // Test connection with only the changed field: the stored key would have gone with it.
      const test = await ctx.request('POST', '/v1/settings/psa/test', { token: admin.token, body: { [change]: changed } });
      expect(test.status).toBe(400);
      expect(test.body.error.code).toBe('private_key_required');
      expect(test.body.error.message).toMatch(new RegExp(`only ever sent to the site, company id and public key it was saved with.*${change}.*privateKey`));
      // Saving it without the key is refused as well (a later test or ticket pull would have sent the key).
      const save = await ctx.request('PUT', '/v1/settings/psa', { token: admin.token, body: { ...withoutKey(), [change]: changed } });
      expect(save.status).toBe(400);
      expect(save.body.error.code).toBe('private_key_required');
      const after = await ctx.request('POST', '/v1/settings/psa/test', { token: admin.token, body: {} });
      expect(after.status).toBe(200);
      expect(listener.requests).toEqual([]);
      // The simulator (the saved site) only ever saw the saved identity.
      const stored = basicFor(sim.credentials.companyId, sim.credentials.publicKey, sim.credentials.privateKey);
      expect(sim.requests.filter((r) => r.headers.authorization).every((r) => r.headers.authorization === stored)).toBe(true);
      const view = await ctx.request('GET', '/v1/settings/psa', { token: admin.token });
      expect(view.body.connection).toMatchObject({ site: sim.url, companyId: sim.credentials.companyId, publicKey: sim.credentials.publicKey });
    });
  }

  it('works with the private key given, and unchanged fields still need no key', async () => {
    const admin = await connectedAccount(ctx, 'bind-ok');
    const test = await ctx.request('POST', '/v1/settings/psa/test', { token: admin.token, body: { site: listener.url, privateKey: 'the-new-servers-key' } });
    expect(test.status).toBe(200);
    expect(listener.requests.length).toBeGreaterThan(0);
    for (const r of listener.requests.filter((x) => x.authorization)) {
      expect(r.authorization).toBe(basicFor(sim.credentials.companyId, sim.credentials.publicKey, 'the-new-servers-key'));
    }
    const save = await ctx.request('PUT', '/v1/settings/psa', { token: admin.token, body: connection({ site: listener.url, privateKey: 'the-new-servers-key' }) });
    expect(save.status).toBe(200);
    expect(save.body.connection.site).toBe(listener.url);
    // Same site, company and public key: a new client id needs no key.
    const sameTarget = await ctx.request('PUT', '/v1/settings/psa', { token: admin.token, body: { ...withoutKey(), site: listener.url, clientId: 'another-client-id' } });
    expect(sameTarget.status).toBe(200);
  });
});

describe('outbound ConnectWise calls with private hosts disallowed', () => {
  let strict: TestContext;
  let onPrem: TestContext;
  beforeAll(async () => {
    strict = await createTestContext({ env: { FLOWPILOT_ALLOW_PRIVATE_PSA_HOSTS: 'false' }, deps: { psa: { client: { timeoutMs: 1_500, retries: 0 } } } });
    onPrem = await createTestContext({
      env: { FLOWPILOT_ALLOW_PRIVATE_PSA_HOSTS: 'false', FLOWPILOT_PRIVATE_PSA_HOSTS: 'localhost' },
      deps: { psa: { client: { timeoutMs: 1_500, retries: 0 } } },
    });
  });
  afterAll(async () => {
    await strict?.close();
    await onPrem?.close();
  });

  it('refuses loopback, link-local and private addresses in every spelling, and nothing reaches the listener', async () => {
    const admin = await strict.register('ssrf');
    const sites = [
      `http://127.0.0.1:${listener.port}`,
      `http://localhost:${listener.port}`,
      `http://127.1:${listener.port}`,
      `http://2130706433:${listener.port}`,
      `http://0x7f000001:${listener.port}`,
      `http://[::1]:${listener.port}`,
      `http://[::ffff:127.0.0.1]:${listener.port}`,
      'http://169.254.169.254',
      'http://10.20.30.40',
      'http://192.168.1.1',
      'http://0.0.0.0:' + listener.port,
      'localhost',
    ];
    for (const site of sites) {
      const res = await strict.request('POST', '/v1/settings/psa/test', { token: admin.token, body: connection({ site }) });
      expect(res.status, site).toBe(422);
      expect(res.body.error.code, site).toBe('psa_blocked_address');
      expect(res.body.error.message, site).toMatch(/private, loopback, link-local/);
      expect(res.body.error.message).toMatch(/FLOWPILOT_PRIVATE_PSA_HOSTS/);
    }
    expect(listener.requests).toEqual([]);
    // A saved connection is refused the same way when it is used (ticket pull).
    expect((await strict.request('PUT', '/v1/settings/psa', { token: admin.token, body: connection({ site: `http://localhost:${listener.port}` }) })).status).toBe(200);
    const pull = await strict.request('GET', '/v1/psa/tickets/184201', { token: admin.token });
    expect(pull.status).toBe(422);
    expect(pull.body.error.code).toBe('psa_blocked_address');
    expect(listener.requests).toEqual([]);
  });

  it('reaches a private host the operator listed, and only that one', async () => {
    const admin = await onPrem.register('onprem');
    const listed = await onPrem.request('POST', '/v1/settings/psa/test', { token: admin.token, body: connection({ site: `http://localhost:${sim.port}` }) });
    expect(listed.status).toBe(200);
    expect(listed.body.ok).toBe(true);
    const other = await onPrem.request('POST', '/v1/settings/psa/test', { token: admin.token, body: connection({ site: `http://127.0.0.1:${listener.port}` }) });
    expect(other.body.error?.code).toBe('psa_blocked_address');
    expect(listener.requests).toEqual([]);
  });
});

describe('redirects', () => {
  it('does not follow a redirect to another origin, and says where it pointed', async () => {
    const elsewhere = await listen();
    try {
      listener.redirectTo = elsewhere.url;
      const admin = await ctx.register('redirect');
      const res = await ctx.request('POST', '/v1/settings/psa/test', { token: admin.token, body: connection({ site: listener.url }) });
      expect(res.status).toBe(502);
      expect(res.body.error.code).toBe('psa_redirected');
      expect(res.body.error.message).toContain(`redirect (302) to ${elsewhere.url}`);
      expect(listener.requests.length).toBeGreaterThan(0);
      expect(elsewhere.requests).toEqual([]);
    } finally {
      await elsewhere.close();
    }
  });
});

describe('with private hosts allowed (development default)', () => {
  it('still reaches the loopback simulator', async () => {
    expect(ctx.deps.config.psaNetwork.allowPrivate).toBe(true);
    const admin = await connectedAccount(ctx, 'dev');
    const res = await ctx.request('POST', '/v1/settings/psa/test', { token: admin.token, body: {} });
    expect(res.status).toBe(200);
  });
});
