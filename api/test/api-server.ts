// Starts the real API over HTTP on a free loopback port (for e2e suites, benches and the demo).
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp } from '../app.js';
import { buildDeps } from '../bootstrap.js';
import { loadConfig } from '../config.js';
import { openAppDatabase, poolOptionsFrom } from '../db/database.js';
import { startInstance } from '../db/instances.js';
import type { Deps } from '../deps.js';
import { createLogger } from '../lib/log.js';
import { testConfigEnv } from './secret.js';

export interface RunningApi {
  url: string;
  port: number;
  deps: Deps;
  close(): Promise<void>;
}

export async function startApiServer(opts: { appUrl: string; port?: number; env?: Record<string, string>; deps?: Partial<Deps> }): Promise<RunningApi> {
  const config = loadConfig(testConfigEnv('warn', opts.env));
  const db = openAppDatabase(opts.appUrl, poolOptionsFrom(config.database));
  const sql = db.sql;
  const deps = buildDeps(config, db, createLogger(config.logLevel, (l) => process.stderr.write(l + '\n')), opts.deps);
  const app = createApp(deps);
  // Alive for the idempotency claims it makes, as server.ts does (a SIGKILLed child stops heartbeating).
  const instance = await startInstance(db, deps.log, deps.instanceId);
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: opts.port ?? 0 }, () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    deps,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets would hold close() open; the API is stateless, so cutting them is safe.
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await instance.stop();
      await sql.end({ timeout: 5 });
    },
  };
}
