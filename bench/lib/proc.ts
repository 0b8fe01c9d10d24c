// Child processes for benches and reliability tests: the API in its own process (so a load generator
// never shares its event loop, and a test can SIGKILL it), and its resident memory.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX_LOADER = ['--import', 'tsx'];

export interface ChildApi {
  url: string;
  pid: number;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr, line by line (the API's JSON log lines among them). */
  output: string[];
  /** Resident set size in bytes (from /proc), or null when the process is gone. */
  rss(): number | null;
  /** SIGKILL: no graceful shutdown, in-flight requests are cut. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
}

export function rssOf(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Runs a TypeScript file with node + tsx; resolves when a stdout line matches `ready`. */
export async function spawnTs(
  script: string,
  opts: { env?: Record<string, string>; ready: RegExp; timeoutMs?: number; args?: string[]; nodeArgs?: string[] },
): Promise<{ child: ChildProcess; match: RegExpExecArray; output: string[] }> {
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), ...TSX_LOADER, path.resolve(ROOT, script), ...(opts.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not become ready in ${opts.timeoutMs ?? 60_000} ms:\n${output.slice(-20).join('\n')}`));
    }, opts.timeoutMs ?? 60_000);
    const onLine = (line: string) => {
      output.push(line);
      const m = opts.ready.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    for (const stream of [child.stdout!, child.stderr!]) {
      let buf = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          onLine(buf.slice(0, i));
          buf = buf.slice(i + 1);
        }
      });
    }
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code ?? signal}) before it was ready:\n${output.slice(-20).join('\n')}`));
    });
  });
  return { child, match, output };
}

/**
 * The API (api/test/api-server.ts) in a child process on `appUrl`. With BENCH_CPU_PROF=<dir> set,
 * each API child writes a V8 CPU profile there when it stops (open it in Chrome DevTools).
 */
export async function spawnApi(opts: { appUrl: string; port?: number; logLevel?: string; env?: Record<string, string> }): Promise<ChildApi> {
  const { child, match, output } = await spawnTs('bench/lib/api-child.ts', {
    env: { ...opts.env, APP_URL: opts.appUrl, PORT: String(opts.port ?? 0), LOG_LEVEL: opts.logLevel ?? 'warn' },
    ready: /^FLOWPILOT_CHILD_READY (\S+)/,
    nodeArgs: process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`] : [],
  });
  return {
    url: match[1]!,
    pid: child.pid!,
    child,
    output,
    rss: () => rssOf(child.pid!),
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
    },
    async stop() {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited(child);
      clearTimeout(t);
    },
  };
}
