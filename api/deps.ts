// What the app is built from: injected once at start (server.ts) or per test (api/test/harness.ts).
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import type { Logger } from './lib/log.js';
import type { AiProviders } from './services/ai/types.js';
import type { PsaDeps } from './services/psa/connection.js';

export interface Deps {
  config: Config;
  db: Database;
  log: Logger;
  /**
   * This process's id in api_instances (random per start). Idempotency claims record it; the process
   * keeps it alive with startInstance (api/db/instances.ts), so its claims are never taken over.
   */
  instanceId: string;
  /** Subkeys derived from config.secretKey. */
  keys: { access: Uint8Array; encryption: Uint8Array };
  /** Injectable clock so tests can move time (token expiry, idempotency windows). */
  now: () => Date;
  /** Model providers, each present only when its key is configured (the offline copilot otherwise). */
  ai?: AiProviders;
  /** ConnectWise integration knobs: client time-outs/retries (tests shorten them) and the note text provider. */
  psa?: PsaDeps;
}
