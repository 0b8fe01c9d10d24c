// `npm run bench`: measures the API over real HTTP on a throwaway embedded database, and the
// extension's content-script size. Prints a table; never asserts (this is a benchmark, not a test).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { startApiServer } from '../api/test/api-server.js';
import { createThrowawayDatabase } from '../api/test/database.js';

interface Row {
  name: string;
  n: number;
  concurrency: number;
  p50: number;
  p95: number;
  rps: number;
}

const rows: Row[] = [];

async function measure(name: string, n: number, concurrency: number, op: (i: number) => Promise<void>) {
  const times: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const t0 = performance.now();
        await op(i);
        times.push(performance.now() - t0);
      }
    }),
  );
  const total = performance.now() - started;
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  rows.push({ name, n, concurrency, p50: pct(0.5), p95: pct(0.95), rps: (n / total) * 1000 });
}

async function main() {
  const db = await createThrowawayDatabase('bench');
  const api = await startApiServer({ appUrl: db.appUrl, env: { LOG_LEVEL: 'silent' } });
  const call = async (method: string, p: string, token?: string, body?: unknown, expect = [200, 201]) => {
    const res = await fetch(api.url + p, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- bench reads loose JSON
    if (!expect.includes(res.status)) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  try {
    const reg = await call('POST', '/v1/auth/register', undefined, {
      accountName: 'Bench MSP',
      name: 'Bench',
      email: 'bench@example.test',
      password: 'bench password 123',
    });
    const token = reg.accessToken as string;
    await measure('POST /v1/auth/login (scrypt)', 40, 4, async () => {
      await call('POST', '/v1/auth/login', undefined, { email: 'bench@example.test', password: 'bench password 123' });
    });
    const sessionIds: string[] = [];
    await measure('POST /v1/sessions (new ticket)', 300, 8, async (i) => {
      const r = await call('POST', '/v1/sessions', token, { ticket: { externalId: String(500000 + i), summary: `Bench ticket ${i}` } });
      sessionIds.push(r.session.id);
    });
    await measure('POST /v1/sessions (existing ticket)', 300, 8, async (i) => {
      await call('POST', '/v1/sessions', token, { ticket: { externalId: String(500000 + (i % 300)) } });
    });
    await measure('POST /v1/sessions/:id/facts', 1000, 8, async (i) => {
      await call('POST', `/v1/sessions/${sessionIds[i % sessionIds.length]}/facts`, token, { text: `Fact ${i}: error 0x80070005 on host ws-${i}` });
    });
    await measure('POST /v1/sessions/:id/facts (one hot session)', 300, 8, async (i) => {
      await call('POST', `/v1/sessions/${sessionIds[0]}/facts`, token, { text: `Hot fact ${i}` });
    });
    await measure('GET /v1/sessions/:id', 1000, 8, async (i) => {
      await call('GET', `/v1/sessions/${sessionIds[i % sessionIds.length]}`, token);
    });
    const notePath = `/v1/sessions/${sessionIds[1]}/resolution-note?format=text`;
    const probe = await fetch(api.url + notePath, { headers: { authorization: `Bearer ${token}` } });
    if (probe.status === 200) {
      await measure('GET resolution-note (text, cached)', 500, 8, async () => {
        await call('GET', notePath, token);
      });
    }
  } finally {
    await api.close();
    await db.drop();
  }

  console.log('\nAPI over HTTP (embedded PostgreSQL, one process, this machine)\n');
  console.log('| operation | requests | concurrency | p50 ms | p95 ms | req/s |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.name} | ${r.n} | ${r.concurrency} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.rps.toFixed(0)} |`);

  const out = path.resolve('.output/chrome-mv3');
  if (existsSync(out)) {
    console.log('\nExtension build (.output/chrome-mv3)\n');
    console.log('| file | bytes | gzip bytes |');
    console.log('|---|---:|---:|');
    const walk = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) => (statSync(path.join(dir, f)).isDirectory() ? walk(path.join(dir, f)) : [path.join(dir, f)]));
    // ticket.js runs on every ConnectWise page; panel.js is injected only once a ticket screen is found.
    for (const file of walk(out).filter((f) => /content-scripts\/.*\.(js|css)$|\/(background|panel)\.js$/.test(f))) {
      const buf = readFileSync(file);
      console.log(`| ${path.relative(out, file)} | ${buf.length} | ${gzipSync(buf).length} |`);
    }
  } else {
    console.log('\n(no extension build found: run `npm run build` to include its sizes)');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
