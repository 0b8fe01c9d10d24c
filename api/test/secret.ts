// The fixed key material the test suites sign and encrypt with (never used outside tests).
export const TEST_SECRET_KEY = 'flowpilot-test-secret-key-0123456789-abcdefghijklmnop';

/**
 * Configuration for an app under test: the fixed test key, plus whatever the test overrides.
 * Suites create hundreds of users, so they hash passwords at scrypt N=2^14 through the explicit knob
 * (production default: 2^17) and lift the per-address registration limit (every in-process request
 * comes from the same "unknown" address); the tests of those features set them back.
 */
export const testConfigEnv = (logLevel: string, env: Record<string, string> = {}) => ({
  NODE_ENV: 'test',
  FLOWPILOT_SECRET_KEY: TEST_SECRET_KEY,
  LOG_LEVEL: logLevel,
  FLOWPILOT_SCRYPT_LOG_N: '14',
  REGISTRATIONS_PER_HOUR: '1000000',
  ...env,
});
