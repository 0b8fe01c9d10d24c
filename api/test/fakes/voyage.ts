// A loopback Voyage AI embeddings API (POST /v1/embeddings) with deterministic, meaning-bearing vectors.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';

export interface RecordedEmbeddingRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  body: any;
}

export type ScriptedEmbedding = { kind: 'error'; status: number; retryAfter?: number; message?: string } | { kind: 'ok' };

export interface VoyageFake {
  url: string;
  requests: RecordedEmbeddingRequest[];
  script(...items: ScriptedEmbedding[]): void;
  /** The vector the fake gives `text` (tests compute expectations with it). */
  vectorOf(text: string): number[];
  close(): Promise<void>;
}

/**
 * A small concept vocabulary: words that mean the same thing to an MSP engineer share a dimension,
 * so "Outlook asks for the password again" lands near "mail client keeps prompting for credentials"
 * although they share no word. Words outside the vocabulary add a faint hashed component.
 */
export const CONCEPTS: Record<string, string[]> = {
  email: ['outlook', 'email', 'e-mail', 'mail', 'mailbox', 'exchange', 'inbox', 'owa', 'smtp', 'imap'],
  credentials: ['password', 'passwords', 'credential', 'credentials', 'prompt', 'prompts', 'prompting', 'asks', 'login', 'logon', 'sign-in', 'signin', 'authentication', 'auth'],
  printer: ['printer', 'printers', 'print', 'printing', 'spooler', 'toner', 'scanner', 'scan'],
  network: ['vpn', 'network', 'wifi', 'wi-fi', 'dns', 'internet', 'connectivity', 'gateway', 'dhcp', 'firewall'],
  storage: ['disk', 'storage', 'drive', 'drives', 'share', 'mapped', 'folder', 'onedrive', 'sharepoint'],
  performance: ['slow', 'sluggish', 'lag', 'laggy', 'freeze', 'freezes', 'hangs', 'performance', 'cpu', 'memory'],
  account: ['lockout', 'locked', 'unlock', 'account', 'disabled', 'mfa', 'authenticator'],
  repeat: ['keeps', 'again', 'repeatedly', 'constantly', 'always', 'every'],
  profile: ['profile', 'ost', 'pst', 'cache', 'cached', 'rebuild', 'repair'],
  mobile: ['phone', 'iphone', 'android', 'mobile', 'smartphone', 'tablet', 'ipad'],
  sync: ['sync', 'syncing', 'synchronise', 'synchronize', 'updating', 'update', 'refresh', 'refreshing'],
  telephony: ['desk', 'ringing', 'rings', 'call', 'calls', 'voip', 'handset', 'extension', 'dial', 'voicemail'],
};

const HASH_DIMS = 16;
export const DIMENSIONS = Object.keys(CONCEPTS).length + HASH_DIMS;
const WORD_TO_CONCEPT = new Map<string, number>();
Object.values(CONCEPTS).forEach((words, i) => words.forEach((w) => WORD_TO_CONCEPT.set(w, i)));

function hashWord(w: string): number {
  let h = 2166136261;
  for (const ch of w) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return (h >>> 0) % HASH_DIMS;
}

export function conceptVector(text: string): number[] {
  const v = new Array<number>(DIMENSIONS).fill(0);
  const words = text.toLowerCase().match(/[a-z0-9][a-z0-9-]*/g) ?? [];
  for (const w of words) {
    const c = WORD_TO_CONCEPT.get(w);
    if (c !== undefined) v[c]! += 1;
    else if (w.length > 3) v[Object.keys(CONCEPTS).length + hashWord(w)]! += 0.15;
  }
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

export async function startVoyageFake(): Promise<VoyageFake> {
  const requests: RecordedEmbeddingRequest[] = [];
  const queue: ScriptedEmbedding[] = [];
  const sockets = new Set<Socket>();

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: { input?: string | string[]; model?: string; input_type?: string | null } = {};
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      /* recorded raw */
    }
    requests.push({ path: req.url ?? '', headers: req.headers, raw, body });
    if (req.method !== 'POST' || req.url !== '/v1/embeddings') return json(res, 404, { detail: `No route ${req.method} ${req.url}` });
    if (!/^Bearer .+/.test(String(req.headers.authorization ?? ''))) return json(res, 401, { detail: 'Provided API key is invalid.' });
    const scripted = queue.shift();
    if (scripted?.kind === 'error') {
      return json(res, scripted.status, { detail: scripted.message ?? `Scripted ${scripted.status}` }, scripted.retryAfter !== undefined ? { 'retry-after': String(scripted.retryAfter) } : {});
    }
    const inputs = typeof body.input === 'string' ? [body.input] : body.input;
    if (!Array.isArray(inputs) || inputs.length === 0 || inputs.length > 1000 || !body.model) {
      return json(res, 400, { detail: 'input (1–1000 texts) and model are required' });
    }
    const data = inputs.map((text, index) => ({ object: 'embedding', embedding: conceptVector(String(text)), index }));
    const tokens = inputs.reduce((n, t) => n + Math.ceil(String(t).length / 4), 0);
    json(res, 200, { object: 'list', data, model: body.model, usage: { total_tokens: tokens } }, { 'x-request-id': randomBytes(6).toString('hex') });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    script: (...items) => void queue.push(...items),
    vectorOf: conceptVector,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
