// Starts the database (embedded unless DATABASE_URL), migrates it, and serves the API.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { buildDeps } from './bootstrap.js';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase, poolOptionsFrom, UnsafeAppRoleError } from './db/database.js';
import { startInstance } from './db/instances.js';
import { startMaintenance } from './db/maintenance.js';
import { MigrationError } from './db/migrate.js';
import { createLogger } from './lib/log.js';
import { startAiBackground } from './services/ai/background.js';
import { startScheduler } from './services/schedules/runner.js';

async function main() {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const { db, applied } = await openDatabase({
    databaseUrl: config.databaseUrl,
    databaseAppUrl: config.databaseAppUrl,
    dataDir: config.dataDir,
    secretKey: config.secretKey,
    pool: poolOptionsFrom(config.database),
    log: (m) => log.info(m),
  });
  if (applied.length) log.info('migrations applied', { files: applied });
  const deps = buildDeps(config, db, log);
  // Registered before the first request: idempotency claims follow this instance's heartbeat.
  const instance = await startInstance(db, log, deps.instanceId);
  const app = createApp(deps);
  // Embedding jobs are drained off the request path (only with VOYAGE_API_KEY).
  const background = startAiBackground(deps);
  // Expired idempotency keys and old sign-in attempts (every instance runs it; the deletes are idempotent).
  const maintenance = startMaintenance(db, log);
  // Maintenance schedules open their sessions when due (one run per due date across instances).
  const scheduler = startScheduler(deps);
  const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => {
    console.log(`FlowPilot API listening on http://${config.host}:${info.port}`);
    const extension = path.resolve('.output/chrome-mv3');
    if (existsSync(path.join(extension, 'manifest.json'))) {
      console.log(`Extension built in ${extension} — load it in Chrome or Edge: chrome://extensions → Developer mode → Load unpacked.`);
    }
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    server.close();
    await background.stop();
    await maintenance.stop();
    await scheduler.stop();
    await instance.stop();
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof MigrationError || err instanceof UnsafeAppRoleError) console.error(err.message);
  else console.error('FlowPilot API failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
