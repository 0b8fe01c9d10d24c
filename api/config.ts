// Reads and validates the process environment once, at boot; nothing else reads process.env.
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { issueLines } from './lib/zod-issues.js';

export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /** External PostgreSQL (owner/migration credentials). Unset: the embedded server under dataDir. */
  databaseUrl?: string;
  /** Optional explicit URL for the non-owner app role; derived from databaseUrl when unset. */
  databaseAppUrl?: string;
  dataDir: string;
  /** 32+ bytes of key material: JWT signing, encryption at rest, share links. */
  secretKey: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  bodyLimitBytes: number;
  publicUrl: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  anthropic: { apiKey?: string; baseUrl?: string };
  voyage: { apiKey?: string; baseUrl?: string };
  /**
   * Where outbound ConnectWise calls may go. `allowPrivate`: any address (development and tests, for the
   * simulator); otherwise only public addresses after DNS resolution, plus the listed `privateHosts`.
   */
  psaNetwork: { allowPrivate: boolean; privateHosts: string[] };
  /** The app role's pool and the guards that keep one slow request from taking the service down. */
  database: {
    poolMax: number;
    /** A request that cannot get a pooled connection within this answers 503 with Retry-After. */
    acquireTimeoutMs: number;
    statementTimeoutMs: number;
    idleInTransactionTimeoutMs: number;
  };
  /** Addresses (IPs or CIDRs) of reverse proxies whose X-Forwarded-For is believed. Empty: none. */
  trustedProxies: string[];
  /** Accounts one client address may register per hour (counted in the database). */
  registrationsPerHour: number;
  /** scrypt cost exponent (N = 2^this) for new password hashes. */
  scryptLogN: number;
}

export class ConfigError extends Error {}

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://').optional(),
  DATABASE_APP_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://').optional(),
  FLOWPILOT_DATA_DIR: z.string().min(1).default('.data'),
  FLOWPILOT_SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(900),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce.number().int().min(300).default(30 * 24 * 3600),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
  FLOWPILOT_PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_BASE_URL: z.string().url().optional(),
  VOYAGE_API_KEY: z.string().min(1).optional(),
  VOYAGE_BASE_URL: z.string().url().optional(),
  FLOWPILOT_ALLOW_PRIVATE_PSA_HOSTS: z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
    .transform((v) => v === 'true' || v === '1' || v === 'yes')
    .optional(),
  FLOWPILOT_PRIVATE_PSA_HOSTS: z
    .string()
    .transform((v) => v.split(',').map((h) => h.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1')).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[a-z0-9.:_-]{1,253}$/, 'must be a comma-separated list of host names or IP addresses')))
    .optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(2).max(500).default(10),
  DATABASE_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(50).max(120_000).default(5_000),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(15_000),
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  FLOWPILOT_TRUSTED_PROXIES: z
    .string()
    .transform((v) => v.split(',').map((x) => x.trim()).filter(Boolean))
    .refine((list) => list.every(validProxyEntry), 'must be a comma-separated list of IP addresses or CIDR ranges')
    .default([]),
  REGISTRATIONS_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(10),
  // 2^17 is OWASP's scrypt guidance (N=2^17, r=8, p=1); lower only for test suites that create many users.
  FLOWPILOT_SCRYPT_LOG_N: z.coerce.number().int().min(10).max(20).default(17),
});

/** An IPv4/IPv6 address, optionally with a /prefix. */
function validProxyEntry(entry: string): boolean {
  const [ip, prefix, ...rest] = entry.split('/');
  const family = isIP(ip ?? '');
  if (!family || rest.length) return false;
  if (prefix === undefined) return true;
  const n = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && n >= 0 && n <= (family === 4 ? 32 : 128);
}

/** Empty strings in the environment mean "not set". */
function cleanEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(cleanEnv(env));
  if (!parsed.success) {
    const lines = issueLines(parsed.error.issues, { root: '(root)' }).map((l) => `  ${l}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.FLOWPILOT_DATA_DIR);
  let secretKey = e.FLOWPILOT_SECRET_KEY;
  if (!secretKey) {
    if (e.NODE_ENV === 'production') {
      throw new ConfigError(
        'FLOWPILOT_SECRET_KEY is required when NODE_ENV=production (at least 32 characters, e.g. `openssl rand -base64 48`).',
      );
    }
    secretKey = developmentSecret(dataDir);
  }
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    databaseAppUrl: e.DATABASE_APP_URL,
    dataDir,
    secretKey,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlSeconds: e.REFRESH_TOKEN_TTL_SECONDS,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    publicUrl: (e.FLOWPILOT_PUBLIC_URL ?? `http://${e.HOST}:${e.PORT}`).replace(/\/$/, ''),
    logLevel: e.LOG_LEVEL,
    anthropic: { apiKey: e.ANTHROPIC_API_KEY, baseUrl: e.ANTHROPIC_BASE_URL },
    voyage: { apiKey: e.VOYAGE_API_KEY, baseUrl: e.VOYAGE_BASE_URL },
    psaNetwork: {
      allowPrivate: e.FLOWPILOT_ALLOW_PRIVATE_PSA_HOSTS ?? e.NODE_ENV !== 'production',
      privateHosts: e.FLOWPILOT_PRIVATE_PSA_HOSTS ?? [],
    },
    database: {
      poolMax: e.DATABASE_POOL_MAX,
      acquireTimeoutMs: e.DATABASE_ACQUIRE_TIMEOUT_MS,
      statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
      idleInTransactionTimeoutMs: e.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    },
    trustedProxies: e.FLOWPILOT_TRUSTED_PROXIES,
    registrationsPerHour: e.REGISTRATIONS_PER_HOUR,
    scryptLogN: e.FLOWPILOT_SCRYPT_LOG_N,
  };
}

/** In development a key is generated once and kept in the data dir, so sign-ins survive restarts. */
function developmentSecret(dataDir: string): string {
  const file = path.join(dataDir, 'secret-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(48).toString('base64url');
  writeFileSync(file, key + '\n', { mode: 0o600 });
  return key;
}
