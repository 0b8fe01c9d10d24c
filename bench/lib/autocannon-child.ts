// Child-process load generator: runs autocannon with the JSON config in argv[2] and prints its result
// as one JSON line. Paths rotate over `paths` so concurrent writers spread over many sessions.
import autocannon from 'autocannon';

const cfg = JSON.parse(process.argv[2]!) as {
  url: string;
  method: 'GET' | 'POST';
  paths: string[];
  body?: string;
  bodyTemplate?: boolean;
  token: string;
  connections: number;
  duration: number;
};
let n = 0;
const result = await autocannon({
  url: cfg.url,
  connections: cfg.connections,
  duration: cfg.duration,
  headers: { authorization: `Bearer ${cfg.token}`, 'content-type': 'application/json' },
  requests: [
    {
      method: cfg.method,
      setupRequest: (req) => {
        const i = n++;
        return { ...req, path: cfg.paths[i % cfg.paths.length]!, body: cfg.body?.replace('%N%', String(i)) };
      },
    },
  ],
});
process.stdout.write(
  JSON.stringify({
    rps: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    non2xx: result.non2xx,
    bytesPerReq: result.requests.total ? result.throughput.total / result.requests.total : 0,
    duration: result.duration,
  }) + '\n',
);
