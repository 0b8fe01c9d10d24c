// `npm run soak`: the reliability suite at a larger size. Knobs (environment, defaults here):
//   SOAK_SECONDS (60)      load-held duration; the kill test runs half of it
//   SOAK_CONNECTIONS (64)  load-held connections
//   SOAK_POSTS (16)        idempotent ConnectWise posts in flight (more than the API's pool of 10)
//   FUZZ_COUNT (20000)     generated malformed requests; FUZZ_SEED picks another sequence
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const env = {
  ...process.env,
  SOAK_SECONDS: process.env.SOAK_SECONDS ?? '60',
  SOAK_CONNECTIONS: process.env.SOAK_CONNECTIONS ?? '64',
  SOAK_POSTS: process.env.SOAK_POSTS ?? '16',
  FUZZ_COUNT: process.env.FUZZ_COUNT ?? '20000',
};
console.log(`soak: ${['SOAK_SECONDS', 'SOAK_CONNECTIONS', 'SOAK_POSTS', 'FUZZ_COUNT'].map((k) => `${k}=${env[k as keyof typeof env]}`).join(' ')}`);
const r = spawnSync(
  process.execPath,
  [path.join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--project', 'api', '--testTimeout', '1800000', 'api/reliability', 'api/services/psa/posting.soak.test.ts', ...process.argv.slice(2)],
  { cwd: ROOT, env, stdio: 'inherit' },
);
process.exit(r.status ?? 1);
