// The ConnectWise client's transport: node's http/https through request-filtering-agent, so a connection
// reaches only public addresses (after DNS resolution) unless the deployment allows private ones.
//
// Why not the global fetch: it is undici, which ignores node's http.Agent, so the filtering agent
// would not apply. This is a small fetch-shaped function over http.request with the agent; it never
// follows redirects (node's http does not), and the client turns a 3xx into an error naming it.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';
import { PsaError } from './errors.js';

export interface NetworkPolicy {
  /** Any address is allowed (development, the simulator, tests). */
  allowPrivate: boolean;
  /** Host names or IP addresses that may be private even when allowPrivate is off (on-premise servers). */
  privateHosts?: readonly string[];
}

export const PUBLIC_ONLY: NetworkPolicy = { allowPrivate: false, privateHosts: [] };

/** Bodies above this are refused (a ConnectWise page of 1,000 records is well under it). */
const MAX_BODY_BYTES = 32 * 1024 * 1024;
const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);

/** `[::1]` -> `::1`, lower case. */
export const normalizeHost = (h: string) => h.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');

type Agents = { http: http.Agent; https: https.Agent };
const openAgents: Agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
const filteringAgents = new Map<string, Agents>();

function agentsFor(policy: NetworkPolicy, hostname: string): Agents {
  const listed = (policy.privateHosts ?? []).map(normalizeHost);
  if (policy.allowPrivate || listed.includes(normalizeHost(hostname))) return openAgents;
  // Listed IP addresses stay allowed when a public name resolves to them.
  const allowIPAddressList = listed.filter((h) => net.isIP(h) !== 0);
  const key = allowIPAddressList.join(',');
  let agents = filteringAgents.get(key);
  if (!agents) {
    const opts = { keepAlive: true, allowPrivateIPAddress: false, allowMetaIPAddress: false, allowIPAddressList };
    agents = { http: new RequestFilteringHttpAgent(opts), https: new RequestFilteringHttpsAgent(opts) };
    filteringAgents.set(key, agents);
  }
  return agents;
}

/** request-filtering-agent reports a refused address as a plain Error with this wording. */
const isBlocked = (err: unknown) => err instanceof Error && /^DNS lookup .* is not allowed\./.test(err.message);

export function blockedAddressError(host: string): PsaError {
  return new PsaError(
    'blocked_address',
    `FlowPilot does not connect to ${host}: it is (or resolves to) a private, loopback, link-local or otherwise non-public address. ` +
      'For an on-premise ConnectWise server, the operator can allow it with FLOWPILOT_PRIVATE_PSA_HOSTS.',
  );
}

/** A fetch-compatible function (the subset the ConnectWise client uses) that applies the network policy. */
export function guardedFetch(policy: NetworkPolicy): typeof fetch {
  const f = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return reject(new TypeError(`Unsupported protocol ${url.protocol}`));
      const signal = init.signal ?? undefined;
      if (signal?.aborted) return reject(signal.reason);
      const agents = agentsFor(policy, url.hostname);
      const headers: Record<string, string> = {};
      new Headers(init.headers).forEach((v, k) => (headers[k] = v));
      const body = init.body == null ? undefined : typeof init.body === 'string' ? init.body : undefined;
      if (init.body != null && body === undefined) return reject(new TypeError('Only string bodies are supported.'));
      if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
      const mod = url.protocol === 'https:' ? https : http;
      const req = mod.request(url, { method: init.method ?? 'GET', headers, agent: url.protocol === 'https:' ? agents.https : agents.http });
      let settled = false;
      const fail = (err: unknown) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        if (isBlocked(err)) reject(blockedAddressError(url.hostname));
        else if (signal?.aborted) reject(signal.reason);
        else reject(new TypeError('fetch failed', { cause: err }));
      };
      const onAbort = () => {
        req.destroy();
        fail(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', fail);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY_BYTES) {
            res.destroy();
            fail(new Error(`response larger than ${MAX_BODY_BYTES} bytes`));
          } else chunks.push(c);
        });
        // A body cut off half-way is handed over as it is: the client sees JSON that does not parse
        // (as it would with fetch's body error) and decides whether the call may be retried.
        const finish = () => {
          if (settled) return;
          settled = true;
          signal?.removeEventListener('abort', onAbort);
          const h = new Headers();
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) h.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
          const status = res.statusCode ?? 502;
          try {
            resolve(new Response(NULL_BODY_STATUS.has(status) ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage, headers: h }));
          } catch (err) {
            reject(new TypeError('fetch failed', { cause: err }));
          }
        };
        res.on('error', () => (signal?.aborted ? fail(signal.reason) : finish()));
        res.on('aborted', finish);
        res.on('end', finish);
      });
      req.end(body);
    });
  return f as typeof fetch;
}
