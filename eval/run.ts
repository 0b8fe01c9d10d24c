// `npm run eval`: the copilot evaluation on a throwaway embedded PostgreSQL; prints the table (see eval/lib.ts).
import { createThrowawayDatabase } from '../api/test/database.js';
import { formatReport, runEval } from './lib.js';

const db = await createThrowawayDatabase('eval');
try {
  const started = performance.now();
  const report = await runEval({ appUrl: db.appUrl, env: process.env, onProgress: (l) => process.env.EVAL_VERBOSE && console.error(l) });
  console.log(formatReport(report));
  if (process.env.EVAL_JSON) (await import('node:fs')).writeFileSync(process.env.EVAL_JSON, JSON.stringify(report, null, 1));
  console.log(`\n(${((performance.now() - started) / 1000).toFixed(1)} s)`);
} finally {
  await db.drop();
}
