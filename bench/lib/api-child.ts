// Child-process entry: starts the real API (api/test/api-server.ts) on APP_URL and prints one
// "FLOWPILOT_CHILD_READY <url>" line, so benches and reliability tests can load, measure and SIGKILL it.
import { startApiServer } from '../../api/test/api-server.js';

/** Pool settings a test may tighten for the child (e.g. a short acquire timeout for a database outage). */
const POOL_ENV = ['DATABASE_POOL_MAX', 'DATABASE_ACQUIRE_TIMEOUT_MS', 'DATABASE_STATEMENT_TIMEOUT_MS', 'DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS'];

const appUrl = process.env.APP_URL;
if (!appUrl) throw new Error('APP_URL is required');
const api = await startApiServer({
  appUrl,
  port: Number(process.env.PORT ?? 0),
  env: {
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...Object.fromEntries(POOL_ENV.filter((k) => process.env[k]).map((k) => [k, process.env[k]!])),
    ...(process.env.VOYAGE_API_KEY ? { VOYAGE_API_KEY: process.env.VOYAGE_API_KEY, VOYAGE_BASE_URL: process.env.VOYAGE_BASE_URL ?? '' } : {}),
  },
});
process.stdout.write(`FLOWPILOT_CHILD_READY ${api.url}\n`);
const stop = () => void api.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
