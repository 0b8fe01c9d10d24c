// Builds the app's dependencies from configuration and an open database.
import { randomUUID } from 'node:crypto';
import { deriveKey } from './auth/tokens.js';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import type { Deps } from './deps.js';
import type { Logger } from './lib/log.js';
import { buildAiProviders } from './services/ai/providers.js';

export function buildDeps(config: Config, db: Database, log: Logger, overrides: Partial<Deps> = {}): Deps {
  return {
    config,
    db,
    log,
    instanceId: randomUUID(),
    keys: {
      access: deriveKey(config.secretKey, 'access-token'),
      encryption: deriveKey(config.secretKey, 'encryption-at-rest'),
    },
    now: () => new Date(),
    ai: buildAiProviders(config),
    ...overrides,
  };
}
