// Configuration is parsed at boot and refuses bad values with a clear message.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('configuration', () => {
  it('refuses to start in production without FLOWPILOT_SECRET_KEY', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/FLOWPILOT_SECRET_KEY is required/);
  });

  it('generates and keeps a development key in the data dir', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fp-config-'));
    const first = loadConfig({ FLOWPILOT_DATA_DIR: dir });
    const second = loadConfig({ FLOWPILOT_DATA_DIR: dir });
    expect(first.secretKey.length).toBeGreaterThanOrEqual(32);
    expect(second.secretKey).toBe(first.secretKey);
    expect(readFileSync(path.join(dir, 'secret-key'), 'utf8').trim()).toBe(first.secretKey);
  });

  it('names every bad value', () => {
    expect(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', FLOWPILOT_SECRET_KEY: 'short' })).toThrow(
      /PORT[\s\S]*DATABASE_URL[\s\S]*FLOWPILOT_SECRET_KEY/,
    );
  });

  it('defaults to 127.0.0.1:8787 and .data', () => {
    const c = loadConfig({ FLOWPILOT_SECRET_KEY: 'x'.repeat(40) });
    expect([c.host, c.port, c.publicUrl]).toEqual(['127.0.0.1', 8787, 'http://127.0.0.1:8787']);
    expect(c.dataDir).toBe(path.resolve('.data'));
  });

  it('allows private ConnectWise hosts in development, not in production, and takes a list of on-premise hosts', () => {
    const key = { FLOWPILOT_SECRET_KEY: 'x'.repeat(40) };
    expect(loadConfig({ ...key }).psaNetwork).toEqual({ allowPrivate: true, privateHosts: [] });
    expect(loadConfig({ ...key, NODE_ENV: 'production' }).psaNetwork).toEqual({ allowPrivate: false, privateHosts: [] });
    const onPrem = loadConfig({ ...key, NODE_ENV: 'production', FLOWPILOT_PRIVATE_PSA_HOSTS: ' CW.internal, 10.0.0.5,[fd00::1] ' });
    expect(onPrem.psaNetwork).toEqual({ allowPrivate: false, privateHosts: ['cw.internal', '10.0.0.5', 'fd00::1'] });
    expect(loadConfig({ ...key, FLOWPILOT_ALLOW_PRIVATE_PSA_HOSTS: 'false' }).psaNetwork.allowPrivate).toBe(false);
    expect(loadConfig({ ...key, NODE_ENV: 'production', FLOWPILOT_ALLOW_PRIVATE_PSA_HOSTS: 'true' }).psaNetwork.allowPrivate).toBe(true);
    expect(() => loadConfig({ ...key, FLOWPILOT_ALLOW_PRIVATE_PSA_HOSTS: 'sometimes' })).toThrow(/FLOWPILOT_ALLOW_PRIVATE_PSA_HOSTS/);
    expect(() => loadConfig({ ...key, FLOWPILOT_PRIVATE_PSA_HOSTS: 'cw.internal, http://x/' })).toThrow(/FLOWPILOT_PRIVATE_PSA_HOSTS/);
  });
});
