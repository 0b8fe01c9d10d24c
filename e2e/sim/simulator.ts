// The ConnectWise simulator: one node:http server for the REST API, codebase discovery and the web app, with fault injection.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { seedData, type SimData } from './data.js';
import { Faults, type FaultsApi } from './faults.js';
import { cwError, handleRest, type ApiKey, type RestEnv, type RestResponse } from './rest.js';
import { handleWeb } from './web.js';

export interface SimCredentials {
  companyId: string;
  publicKey: string;
  privateKey: string;
  clientId: string;
}

/** Defaults for `npm run sim` and tests (documented in the README). */
export const DEFAULT_CREDENTIALS: SimCredentials = {
  companyId: 'flowpilot_demo',
  publicKey: 'fpDemoPublicKey01',
  privateKey: 'fpDemoPrivateKey0123456789',
  clientId: '6f1c2a9e-3b7d-4c1e-9a52-0d8e4f7b1c23',
};

export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  credentials?: Partial<SimCredentials>;
  /** Codebase reported by /login/companyinfo (default `v2025_1/`); `v4_6_release/` is always served too. */
  codebase?: string;
  isCloud?: boolean;
  /** More API keys, e.g. one whose security role lacks a permission (403 tests). */
  extraApiKeys?: ApiKey[];
  /** Milliseconds between the web app's progressive rendering steps (default 120). */
  webStepMs?: number;
  /** What `system/info` reports (a Windows zone name, as ConnectWise does; default "Eastern Standard Time"). */
  serverTimeZone?: string;
  now?: () => Date;
}

export interface RecordedRequest {
  method: string;
  /** Full path with query. */
  url: string;
  /** Path below `apis/3.0/` for API calls, else the full path. */
  apiPath: string | null;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** `performance.now()` when the request arrived. */
  at: number;
  status?: number;
}

export interface Simulator {
  url: string;
  port: number;
  /** `${url}/v4_6_release/apis/3.0` */
  apiBase: string;
  credentials: SimCredentials;
  /** The body of `PUT /v1/settings/psa` that connects a FlowPilot account to this simulator. */
  connection: SimCredentials & { site: string };
  codebase: string;
  /** The live in-memory data (mutate it to set up a test). */
  readonly data: SimData;
  faults: FaultsApi;
  /** Every request received since the last reset/clearRequests. */
  readonly requests: RecordedRequest[];
  clearRequests(): void;
  /** Restores the seed data and clears faults and the request log. */
  reset(): void;
  addApiKey(key: ApiKey): void;
  close(): Promise<void>;
}

const API_RE = /^\/(v\d+_\d+[^/]*)\/apis\/3\.0(?:\/(.*))?$/;

async function readBody(req: IncomingMessage): Promise<{ raw: string; json: unknown; bad: boolean }> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  if (!raw) return { raw, json: undefined, bad: false };
  try {
    return { raw, json: JSON.parse(raw), bad: false };
  } catch {
    return { raw, json: undefined, bad: true };
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const credentials: SimCredentials = { ...DEFAULT_CREDENTIALS, ...options.credentials };
  const codebase = (options.codebase ?? 'v2025_1/').replace(/^\/?/, '').replace(/\/?$/, '/');
  const servedReleases = new Set([codebase.slice(0, -1), 'v4_6_release']);
  const now = options.now ?? (() => new Date());
  const faults = new Faults();
  let data = seedData();
  let requests: RecordedRequest[] = [];
  const primaryKey = (): ApiKey => ({ publicKey: credentials.publicKey, privateKey: credentials.privateKey, memberIdentifier: 'FlowPilotAPI' });
  let apiKeys: ApiKey[] = [primaryKey(), ...(options.extraApiKeys ?? [])];
  const env = (): RestEnv => ({
    data, companyId: credentials.companyId, clientId: credentials.clientId, apiKeys,
    isCloud: options.isCloud ?? true, version: 'v2025.1.10431', serverTimeZone: options.serverTimeZone ?? 'Eastern Standard Time', now,
  });
  const sockets = new Set<Socket>();

  const send = (res: ServerResponse, r: RestResponse) => {
    const headers: Record<string, string> = { ...r.headers };
    if (r.body !== undefined) headers['Content-Type'] = 'application/json; charset=utf-8';
    res.writeHead(r.status, headers);
    res.end(r.body === undefined ? undefined : JSON.stringify(r.body));
  };

  /** Headers now, then the body in ~10 pieces over `ms` (stops quietly if the client gives up). */
  const sendSlowly = async (res: ServerResponse, r: RestResponse, ms: number) => {
    const body = r.body === undefined ? '' : JSON.stringify(r.body);
    res.writeHead(r.status, { ...r.headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) });
    const bytes = Buffer.from(body);
    const pieces = 10;
    const size = Math.max(1, Math.ceil(bytes.length / pieces));
    for (let i = 0; i < bytes.length; i += size) {
      if (res.destroyed) return;
      res.write(bytes.subarray(i, i + size));
      await sleep(ms / pieces);
    }
    res.end();
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const host = req.headers.host ?? `127.0.0.1`;
    const url = new URL(req.url ?? '/', `http://${host}`);
    const method = (req.method ?? 'GET').toUpperCase();
    const apiMatch = API_RE.exec(url.pathname);
    const apiPath = apiMatch ? (apiMatch[2] ?? '').replace(/\/+$/, '') : null;
    const body = await readBody(req);
    const record: RecordedRequest = { method, url: url.pathname + url.search, apiPath, headers: { ...req.headers }, body: body.json ?? (body.raw || undefined), at: performance.now() };
    requests.push(record);

    const fault = faults.take(method, apiPath ?? url.pathname.replace(/^\//, ''), url.pathname);
    if (fault?.kind === 'delay') await sleep(fault.ms);
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'rateLimit') {
      record.status = 429;
      return send(res, { ...cwError(429, 'TooManyRequests', 'The server is over capacity. Retry the request after the time given in Retry-After.'), headers: { 'Retry-After': String(fault.retryAfter) } });
    }
    if (fault?.kind === 'status') {
      record.status = fault.status;
      const r = fault.status >= 500
        ? cwError(fault.status, fault.status === 503 ? 'ServiceUnavailable' : 'UnexpectedError', fault.status === 503 ? 'The service is temporarily unavailable.' : 'An unexpected error occurred.')
        : cwError(fault.status, 'InjectedFault', `Injected ${fault.status}.`);
      return send(res, fault.retryAfter !== undefined ? { ...r, headers: { 'Retry-After': String(fault.retryAfter) } } : r);
    }

    let response: RestResponse | null;
    if (apiMatch) {
      if (!servedReleases.has(apiMatch[1]!)) response = cwError(404, 'NotFound', `Codebase ${apiMatch[1]} is not served here; use ${codebase}.`);
      else if (body.bad) response = cwError(400, 'InvalidObject', 'The request body is not valid JSON.');
      else {
        const base = `http://${host}/${apiMatch[1]}/apis/3.0`;
        try {
          response = handleRest(env(), { method, path: apiPath!, query: url.searchParams, headers: req.headers, body: body.json, base });
        } catch (err) {
          response = cwError(500, 'UnexpectedError', `An unexpected error occurred: ${(err as Error).message}`);
        }
      }
    } else if (/^\/login\/companyinfo\/[^/]+\/?$/i.test(url.pathname) && method === 'GET') {
      const company = decodeURIComponent(url.pathname.split('/')[3]!);
      response = company.toLowerCase() === credentials.companyId.toLowerCase()
        ? { status: 200, body: { CompanyName: 'BlueWave IT Services', Codebase: codebase, VersionCode: 'v2025.1', VersionNumber: 'v4.6.10431', CompanyID: credentials.companyId, IsCloud: options.isCloud ?? true, SiteUrl: host } }
        : { status: 200, body: { CompanyName: null, Codebase: null, VersionCode: null, VersionNumber: null, CompanyID: null, IsCloud: options.isCloud ?? true, SiteUrl: host } };
    } else {
      const web = handleWeb({ method, url, data, webStepMs: options.webStepMs ?? 120, codebase });
      record.status = web.status;
      res.writeHead(web.status, web.headers);
      res.end(web.body);
      return;
    }

    record.status = response.status;
    if (fault?.kind === 'dropAfterWrite') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'delayAfterWrite') {
      await sleep(fault.ms);
      if (req.socket.destroyed) return;
    }
    if (fault?.kind === 'slowBody') return sendSlowly(res, response, fault.ms);
    send(res, response);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, cwError(500, 'UnexpectedError', String((err as Error)?.message ?? err)));
      else res.destroy();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    port,
    apiBase: `${url}/v4_6_release/apis/3.0`,
    credentials,
    connection: { site: url, ...credentials },
    codebase,
    get data() {
      return data;
    },
    faults,
    get requests() {
      return requests;
    },
    clearRequests() {
      requests = [];
    },
    reset() {
      data = seedData();
      faults.clear();
      requests = [];
      apiKeys = [primaryKey(), ...(options.extraApiKeys ?? [])];
    },
    addApiKey(key) {
      apiKeys.push(key);
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}
