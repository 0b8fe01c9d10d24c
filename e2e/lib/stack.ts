// The e2e world: the real API over HTTP (stoppable, restartable on its port), the ConnectWise simulator, and an account.
import { randomBytes } from 'node:crypto';
import { startApiServer, type RunningApi } from '../../api/test/api-server.js';
import { spawnApi, type ChildApi } from '../../bench/lib/proc.js';
import { startSimulator, type Simulator } from '../sim/simulator.js';

export interface Account {
  email: string;
  password: string;
  accessToken: string;
  userId: string;
}

export interface Stack {
  sim: Simulator;
  apiUrl: string;
  apiUp(): boolean;
  /** Graceful stop (in-flight requests finish, connections close). */
  stopApi(): Promise<void>;
  /** SIGKILL, no shutdown at all: only with `{ childProcess: true }`. */
  killApi(): Promise<void>;
  /** Starts the API again on the same port. */
  startApi(): Promise<void>;
  account: Account;
  /** Calls the API as the test account; throws on a non-2xx answer. */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** Like api() but returns the status and body, whatever the status. */
  apiRaw(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

/** The API in this process, or (childProcess) in its own process so a test can SIGKILL it. */
type ApiHandle = { url: string; close(): Promise<void>; kill?: () => Promise<void> };

async function runApi(appUrl: string, childProcess: boolean, port?: number, env?: Record<string, string>): Promise<ApiHandle> {
  if (!childProcess) {
    const api: RunningApi = await startApiServer({ appUrl, port, env });
    return { url: api.url, close: () => api.close() };
  }
  const child: ChildApi = await spawnApi({ appUrl, port });
  return { url: child.url, close: () => child.stop(), kill: () => child.kill() };
}

/** `env`: extra API configuration for the in-process API (e.g. ANTHROPIC_* pointing at a loopback fake). */
export async function startStack(appUrl: string, opts: { childProcess?: boolean; env?: Record<string, string> } = {}): Promise<Stack> {
  const childProcess = opts.childProcess ?? false;
  const sim = await startSimulator({ webStepMs: 40 });
  let api: ApiHandle | null = await runApi(appUrl, childProcess, undefined, opts.env);
  const apiUrl = api.url;
  const port = Number(new URL(apiUrl).port);

  async function apiRaw(method: string, path: string, body?: unknown, token?: string) {
    const res = await fetch(apiUrl + path, {
      method,
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // keep the text
    }
    return { status: res.status, body: parsed };
  }

  const email = `e2e-${randomBytes(4).toString('hex')}@example.test`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const reg = await apiRaw('POST', '/v1/auth/register', { accountName: 'BlueWave IT', name: 'John Doe', email, password });
  if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${JSON.stringify(reg.body)}`);
  const r = reg.body as { accessToken: string; user: { id: string } };
  const account: Account = { email, password, accessToken: r.accessToken, userId: r.user.id };

  return {
    sim,
    apiUrl,
    apiUp: () => api !== null,
    async stopApi() {
      await api?.close();
      api = null;
    },
    async killApi() {
      if (!api?.kill) throw new Error('killApi needs startStack(…, { childProcess: true })');
      await api.kill();
      api = null;
    },
    async startApi() {
      api ??= await runApi(appUrl, childProcess, port, opts.env);
    },
    account,
    async api<T>(method: string, path: string, body?: unknown) {
      const res = await apiRaw(method, path, body, account.accessToken);
      if (res.status >= 300) throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as T;
    },
    apiRaw: (method, path, body) => apiRaw(method, path, body, account.accessToken),
    async close() {
      await api?.close();
      await sim.close();
    },
  };
}

/** A small troubleshooting flow with a command, a check and a solution (deterministic for the scenarios). */
export const OUTLOOK_FLOW = {
  kind: 'troubleshooting',
  title: 'Outlook password prompt loop (e2e)',
  description: 'Outlook keeps prompting for a password after a Microsoft 365 migration.',
  tags: ['outlook', 'm365', 'password'],
  graph: {
    start: 'q_owa',
    nodes: [
      {
        id: 'q_owa',
        kind: 'question',
        title: 'Does webmail (OWA) accept the password?',
        options: [
          { id: 'yes', label: 'Yes, webmail works', next: 'a_creds' },
          { id: 'no', label: 'No', next: 'e_t2' },
        ],
      },
      {
        id: 'a_creds',
        kind: 'action',
        title: 'Clear cached Office credentials',
        command: 'cmdkey /list | findstr /i "MicrosoftOffice"',
        options: [{ id: 'done', label: 'Done', next: 'c_prompt' }],
      },
      {
        id: 'c_prompt',
        kind: 'check',
        title: 'Does Outlook still prompt?',
        options: [
          { id: 'fixed', label: 'No, fixed', next: 's_done' },
          { id: 'still', label: 'Still prompts', next: 'e_t2' },
        ],
      },
      { id: 's_done', kind: 'solution', title: 'Stale credentials removed; Outlook signs in with modern auth', options: [] },
      { id: 'e_t2', kind: 'escalate', title: 'Escalate to tier 2 (tenant-side auth)', options: [] },
    ],
  },
};
