// The fixed key material the test suites sign and encrypt with (never used outside tests).
export const TEST_SECRET_KEY = 'flowpilot-test-secret-key-0123456789-abcdefghijklmnop';
