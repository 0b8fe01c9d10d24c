// The write path's ceiling: the statements "add a fact" sends (the same wire pattern: BEGIN, then the
// tenant settings pipelined with the update, the insert, COMMIT), straight through postgres.js as the app
// role in a tenant transaction, at the same concurrency, from its own process. Prints one JSON line.
import postgres from 'postgres';

const cfg = JSON.parse(process.argv[2]!) as { appUrl: string; accountId: string; userId: string; sessionIds: string[]; concurrency: number; durationMs: number; poolMax: number };
const sql = postgres(cfg.appUrl, { max: cfg.poolMax, onnotice: () => {}, transform: { undefined: null } });
const times: number[] = [];
let errors = 0;
let n = 0;
const deadline = performance.now() + cfg.durationMs;
const started = performance.now();
await Promise.all(
  Array.from({ length: cfg.concurrency }, async () => {
    while (performance.now() < deadline) {
      const i = n++;
      const id = cfg.sessionIds[i % cfg.sessionIds.length]!;
      const t0 = performance.now();
      try {
        await sql.begin(async (tx) => {
          // Pipelined ahead of the first statement, as db.tenant does (api/db/database.ts).
          const context = tx`select set_config('app.current_account_id', ${cfg.accountId}, true), set_config('app.current_user_id', ${cfg.userId}, true)`.execute();
          const [s] = await tx`update ai_sessions set state_version = state_version + 1, updated_at = now() where id = ${id} returning *`;
          await tx`insert into session_facts (account_id, session_id, text, source_ref, origin, created_by)
                   values (${s!.account_id}, ${id}, ${`ceiling fact ${i}`}, ${null}, 'user', ${cfg.userId}) returning *`;
          await context;
        });
        times.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  }),
);
const elapsed = (performance.now() - started) / 1000;
times.sort((a, b) => a - b);
const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? 0;
await sql.end({ timeout: 5 });
process.stdout.write(JSON.stringify({ rps: times.length / elapsed, total: times.length, p50: pct(0.5), p99: pct(0.99), errors }) + '\n');
