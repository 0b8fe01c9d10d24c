// Postinstall: guards postgres.js 3.4.x against an upstream crash (porsager/postgres#1154, #1208; fix
// proposed in #1168/#1209, unreleased in 3.4.10). When PostgreSQL closes a connection (restart, failover)
// while a transaction is unwinding, the driver writes its ROLLBACK after the socket is gone: a small write
// is scheduled with setImmediate and `socket.write` on null throws outside any promise, which kills the
// API process. The guard settles that write's queries with CONNECTION_CLOSED instead (the API answers 503
// and the pool reconnects). Idempotent; fails loudly if the driver's code no longer looks as expected, so
// an upgrade gets a look (drop this script once the fix is released).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const MARK = '/* flowpilot: guard nextWrite (porsager/postgres#1208) */';
const BEFORE = `  function nextWrite(fn) {
    const x = socket.write(chunk, fn)`;
const AFTER = `  function nextWrite(fn) {
    ${MARK}
    if (!socket) {
      nextWriteTimer !== null && clearImmediate(nextWriteTimer)
      chunk = nextWriteTimer = null
      error(Errors.connection('CONNECTION_CLOSED', options, socket))
      return false
    }
    const x = socket.write(chunk, fn)`;

for (const rel of ['node_modules/postgres/src/connection.js', 'node_modules/postgres/cjs/src/connection.js']) {
  const file = path.join(ROOT, rel);
  if (!existsSync(file)) continue;
  const src = readFileSync(file, 'utf8');
  if (src.includes(MARK)) continue;
  if (!src.includes(BEFORE)) {
    console.error(`scripts/patch-postgres.mjs: ${rel} has no nextWrite as expected; check whether the postgres.js upgrade fixed porsager/postgres#1208 and update or drop this patch.`);
    process.exit(1);
  }
  writeFileSync(file, src.replace(BEFORE, AFTER));
  console.log(`patched ${rel} (nextWrite after close)`);
}
