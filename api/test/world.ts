// The world most ConnectWise route tests run in: the simulator, one API instance with quick PSA retries, and
// accounts connected to the simulator. Call connectedWorld() at the top of a test file; it registers the hooks.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../e2e/sim/simulator.js';
import { createTestContext, type Registered, type TestContext } from './harness.js';

/** PSA client settings that fail fast against the simulator's faults instead of waiting out production backoff. */
export const quickPsa = { client: { timeoutMs: 1_000, backoffBaseMs: 5, backoffMaxMs: 20 } };

export interface WorldOptions {
  simulator?: SimulatorOptions;
  /** Replaces the default context options (quick PSA retries). */
  context?: Parameters<typeof createTestContext>[0];
  /** Reset the simulator's data before each test (default true). */
  resetEach?: boolean;
}

export interface ConnectedWorld {
  readonly sim: Simulator;
  readonly ctx: TestContext;
  /** A new account whose admin has saved the simulator's connection. */
  connectedAccount(label: string): Promise<Registered>;
  /** An engineer of `admin`'s account, mapped by hand to a new ConnectWise member named `firstName`. */
  mappedEngineer(admin: Registered, firstName: string): Promise<Registered & { identifier: string }>;
}

export function connectedWorld(opts: WorldOptions = {}): ConnectedWorld {
  let sim: Simulator | undefined;
  let ctx: TestContext | undefined;
  beforeAll(async () => {
    sim = await startSimulator(opts.simulator);
    ctx = await createTestContext(opts.context ?? { deps: { psa: quickPsa } });
  });
  afterAll(async () => {
    await ctx?.close();
    await sim?.close();
  });
  if (opts.resetEach ?? true) beforeEach(() => world.sim.reset());

  const world: ConnectedWorld = {
    get sim() {
      if (!sim) throw new Error('the simulator is not started yet (use it inside a test or hook)');
      return sim;
    },
    get ctx() {
      if (!ctx) throw new Error('the test context is not created yet (use it inside a test or hook)');
      return ctx;
    },
    async connectedAccount(label) {
      const admin = await world.ctx.register(label);
      expect((await world.ctx.request('PUT', '/v1/settings/psa', { token: admin.token, body: world.sim.connection })).status).toBe(200);
      return admin;
    },
    async mappedEngineer(admin, firstName) {
      const identifier = `${firstName.slice(0, 2).toLowerCase()}${randomBytes(3).toString('hex')}`;
      const members = world.sim.data.members;
      members.push({ id: 900 + members.length, identifier, firstName, lastName: identifier, primaryEmail: `${identifier}@bluewave-it.example`, officeEmail: null, title: 'Engineer', inactiveFlag: false });
      const eng = await world.ctx.addUser(admin, 'engineer');
      const mapped = await world.ctx.request('PUT', '/v1/settings/psa/members', { token: admin.token, body: { autoMatch: false, mappings: [{ userId: eng.userId, memberIdentifier: identifier }] } });
      expect(mapped.status).toBe(200);
      return { ...eng, identifier };
    },
  };
  return world;
}
