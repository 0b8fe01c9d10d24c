// The fixed key material the test suites sign and encrypt with (never used outside tests).
export const TEST_SECRET_KEY = 'flowpilot-test-secret-key-0123456789-abcdefghijklmnop';

/** Configuration for an app under test: the fixed test key, plus whatever the test overrides. */
export const testConfigEnv = (logLevel: string, env: Record<string, string> = {}) => ({
  NODE_ENV: 'test',
  FLOWPILOT_SECRET_KEY: TEST_SECRET_KEY,
  LOG_LEVEL: logLevel,
  ...env,
});
