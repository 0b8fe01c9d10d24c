// Measures exact vector ranking over real[] (and pgvector, when the server has it) at a few table sizes.
// Run: npx tsx bench/vector.ts [sizes…]   (uses a throwaway embedded PostgreSQL or DATABASE_URL)
import postgres from 'postgres';
import { createThrowawayDatabase } from '../api/test/database.js';

// voyage-3.5's default output dimension is 1024; it also returns 256, 512 or 2048 (output_dimension).
const DIMS = Number(process.env.DIMS ?? 1024);

function randomUnit(seed: number): number[] {
  let s = seed >>> 0 || 1;
  const v = Array.from({ length: DIMS }, () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) / 0xffffffff) * 2 - 1;
  });
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

async function timeIt(fn: () => Promise<unknown>, runs = 5): Promise<number> {
  await fn(); // warm the cache
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    await fn();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)]!;
}

async function main() {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  const db = await createThrowawayDatabase('vecbench');
  const sql = postgres(db.ownerUrl, { max: 1, onnotice: () => {} });
  try {
    const [ext] = await sql<[{ available: boolean }]>`select exists(select 1 from pg_available_extensions where name = 'vector') as available`;
    let pgvector = false;
    if (ext.available) {
      try {
        await sql`create extension if not exists vector`;
        pgvector = true;
      } catch {
        /* available but not installable by this role */
      }
    }
    await sql`create table bench (id int primary key, embedding real[] not null)`;
    if (pgvector) await sql.unsafe(`alter table bench add column v vector(${DIMS})`);
    const q = randomUnit(424242);
    const rows: string[] = [];
    let loaded = 0;
    for (const n of sizes.length ? sizes : [1000, 5000, 20000]) {
      for (let i = loaded; i < n; i += 500) {
        const batch = Array.from({ length: Math.min(500, n - i) }, (_, k) => ({ id: i + k, embedding: randomUnit(i + k + 1) }));
        await sql`insert into bench ${sql(batch.map((b) => ({ id: b.id, embedding: `{${b.embedding.join(',')}}` })))}`;
      }
      loaded = n;
      if (pgvector) await sql`update bench set v = embedding::vector where v is null`;
      await sql`analyze bench`;
      const arrayMs = await timeIt(
        () => sql`select id, (select sum(a * b) from unnest(embedding, ${q}::real[]) t(a, b)) as s from bench order by s desc limit 20`,
      );
      const vectorMs = pgvector
        ? await timeIt(() => sql.unsafe(`select id from bench order by v <=> $1::vector limit 20`, [`[${q.join(',')}]`]))
        : null;
      rows.push(`| ${n} | ${DIMS} | ${arrayMs.toFixed(1)} ms | ${vectorMs === null ? 'n/a (pgvector not available)' : vectorMs.toFixed(1) + ' ms'} |`);
    }
    console.log('| vectors | dims | real[] exact (median of 5) | pgvector exact (median of 5) |');
    console.log('|---|---|---|---|');
    for (const r of rows) console.log(r);
  } finally {
    await sql.end({ timeout: 5 });
    await db.drop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
