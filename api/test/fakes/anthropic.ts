// A loopback Anthropic Messages API (POST /v1/messages) speaking the real wire format, for tests that run the real SDK.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  body: any;
  /** True when the client hung up before the response was complete (an aborted call). */
  aborted: boolean;
  /** True once the full response was written. */
  completed: boolean;
}

/** What the fake answers to one request. */
export type Scripted =
  | { kind: 'error'; status: number; retryAfter?: number; errorType?: string; message?: string }
  /** Answers with a tool_use block whose input is `input` (any JSON, valid or not for the schema). */
  | { kind: 'tool'; input: unknown; name?: string; text?: string; outputTokens?: number; model?: string }
  /** Answers with a text block only (no tool call). */
  | { kind: 'text'; text: string; outputTokens?: number }
  /** Streams the start of a text answer, then closes the connection cleanly without finishing the message. */
  | { kind: 'cut'; text: string }
  /** Accepts the request and never answers (time-outs, client aborts). */
  | { kind: 'hang' };

export interface FakeOptions {
  /** Delay between streamed events, so tests can observe order and hang up mid-stream. */
  streamDelayMs?: number;
  /** Keys the fake accepts; any non-empty key when unset. */
  acceptKeys?: string[];
}

export interface AnthropicFake {
  url: string;
  requests: RecordedRequest[];
  /** Queue answers for the next requests, in order; when the queue is empty, `fallback` answers. */
  script(...items: Scripted[]): void;
  /** Drops answers still queued (a test that scripted more than it used must not leak into the next). */
  clearScript(): void;
  /** Answers requests when nothing is scripted (default: a valid generic tool answer). */
  fallback: (body: unknown) => Scripted;
  setStreamDelay(ms: number): void;
  /** Resolves when `n` requests have been received. */
  waitForRequests(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

/** A rough tokenizer (~4 characters a token) is enough for usage figures the tests compare. */
const tokensOf = (v: unknown) => Math.max(1, Math.ceil(JSON.stringify(v ?? '').length / 4));

interface Body {
  model?: string;
  system?: unknown;
  tools?: { name: string; input_schema?: unknown; cache_control?: unknown }[];
  messages?: { role: string; content: unknown }[];
  stream?: boolean;
  max_tokens?: number;
}

/**
 * Prompt caching like the real API: the prefix up to and including the last block that carries
 * `cache_control` (tools, then system, then messages) is written on first sight and read afterwards.
 */
function cachePrefix(body: Body): unknown[] | null {
  const parts: unknown[] = [];
  let cut = -1;
  for (const t of body.tools ?? []) {
    parts.push(t);
    if (t.cache_control) cut = parts.length;
  }
  type Block = { cache_control?: unknown };
  const system: Block[] = typeof body.system === 'string' ? [{ type: 'text', text: body.system } as Block] : ((body.system as Block[]) ?? []);
  for (const s of system) {
    parts.push(s);
    if (s.cache_control) cut = parts.length;
  }
  for (const m of body.messages ?? []) {
    const blocks: Block[] = typeof m.content === 'string' ? [{ type: 'text', text: m.content } as Block] : ((m.content as Block[]) ?? []);
    for (const b of blocks) {
      parts.push(b);
      if (b.cache_control) cut = parts.length;
    }
  }
  return cut > 0 ? parts.slice(0, cut) : null;
}

export function defaultAnswer(body: unknown): Scripted {
  const b = body as Body;
  const tool = b.tools?.[0]?.name;
  if (!tool) return { kind: 'text', text: 'Hello from the fake.' };
  return { kind: 'tool', input: { facts: [], confidence: 0.5, rationale: 'Generic answer from the fake Anthropic server.' } };
}

export async function startAnthropicFake(opts: FakeOptions = {}): Promise<AnthropicFake> {
  const queue: Scripted[] = [];
  const requests: RecordedRequest[] = [];
  const cache = new Set<string>();
  const waiters: { n: number; resolve: () => void }[] = [];
  let streamDelayMs = opts.streamDelayMs ?? 0;
  const sockets = new Set<import('node:net').Socket>();

  const fake: AnthropicFake = {
    url: '',
    requests,
    script: (...items) => void queue.push(...items),
    clearScript: () => void queue.splice(0),
    fallback: defaultAnswer,
    setStreamDelay: (ms) => void (streamDelayMs = ms),
    waitForRequests(n, timeoutMs = 5000) {
      if (requests.length >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`fake anthropic: waited for ${n} requests, got ${requests.length}`)), timeoutMs);
        waiters.push({ n, resolve: () => (clearTimeout(t), resolve()) });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${randomBytes(8).toString('hex')}`, ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, type: string, message: string, headers: Record<string, string> = {}) =>
    json(res, status, { type: 'error', error: { type, message } }, headers);

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: Body = {};
    try {
      body = raw ? (JSON.parse(raw) as Body) : {};
    } catch {
      /* recorded as raw; answered below */
    }
    const rec: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw, body, aborted: false, completed: false };
    requests.push(rec);
    for (const w of waiters.splice(0)) {
      if (requests.length >= w.n) w.resolve();
      else waiters.push(w);
    }
    res.on('close', () => {
      if (!rec.completed) rec.aborted = true;
    });

    const done = () => {
      rec.completed = true;
    };
    if (req.method !== 'POST' || !(req.url ?? '').startsWith('/v1/messages')) {
      error(res, 404, 'not_found_error', `No route ${req.method} ${req.url}`);
      return done();
    }
    const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    const key = (req.headers['x-api-key'] as string | undefined) ?? bearer;
    if (!key || (opts.acceptKeys && !opts.acceptKeys.includes(key))) {
      error(res, 401, 'authentication_error', 'invalid x-api-key');
      return done();
    }
    if (!body.model || !Array.isArray(body.messages) || typeof body.max_tokens !== 'number') {
      error(res, 400, 'invalid_request_error', 'model, messages and max_tokens are required');
      return done();
    }

    const answer = queue.shift() ?? fake.fallback(body);
    if (answer.kind === 'hang') return; // the client's abort or time-out ends it
    if (answer.kind === 'error') {
      const headers: Record<string, string> = {};
      if (answer.retryAfter !== undefined) headers['retry-after'] = String(answer.retryAfter);
      error(res, answer.status, answer.errorType ?? ERROR_TYPES[answer.status] ?? 'api_error', answer.message ?? `Scripted ${answer.status}`, headers);
      return done();
    }

    // Usage: cached prefix tokens are reported apart from the rest of the input.
    const prefix = cachePrefix(body);
    let cacheCreation = 0;
    let cacheRead = 0;
    if (prefix) {
      const hash = createHash('sha256').update(JSON.stringify([body.model, prefix])).digest('hex');
      const n = tokensOf(prefix);
      if (cache.has(hash)) cacheRead = n;
      else {
        cache.add(hash);
        cacheCreation = n;
      }
    }
    const inputTokens = Math.max(1, tokensOf({ s: body.system, m: body.messages, t: body.tools }) - cacheCreation - cacheRead);
    const usage = (output: number) => ({
      input_tokens: inputTokens,
      output_tokens: output,
      cache_creation_input_tokens: cacheCreation,
      cache_read_input_tokens: cacheRead,
      cache_creation: { ephemeral_5m_input_tokens: cacheCreation, ephemeral_1h_input_tokens: 0 },
      server_tool_use: null,
      service_tier: 'standard',
    });

    const id = `msg_${randomBytes(12).toString('hex')}`;
    const model = (answer.kind === 'tool' && answer.model) || body.model;
    const content: Record<string, unknown>[] = [];
    if (answer.kind === 'text' || answer.kind === 'cut' || (answer.kind === 'tool' && answer.text)) content.push({ type: 'text', text: answer.text ?? '' });
    if (answer.kind === 'tool') {
      content.push({ type: 'tool_use', id: `toolu_${randomBytes(10).toString('hex')}`, name: answer.name ?? body.tools?.[0]?.name ?? 'answer', input: answer.input });
    }
    const outputTokens = (answer.kind !== 'cut' && answer.outputTokens) || tokensOf(content);
    const stopReason = answer.kind === 'tool' ? 'tool_use' : 'end_turn';

    if (!body.stream) {
      json(res, 200, { id, type: 'message', role: 'assistant', model, content, stop_reason: stopReason, stop_sequence: null, usage: usage(outputTokens) });
      return done();
    }

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': `req_${randomBytes(8).toString('hex')}` });
    const send = async (event: string, data: unknown) => {
      if (res.destroyed) throw new Error('client went away');
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      if (streamDelayMs) await new Promise((r) => setTimeout(r, streamDelayMs));
    };
    try {
      await send('message_start', {
        type: 'message_start',
        message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: usage(1) },
      });
      await send('ping', { type: 'ping' });
      for (const [index, block] of content.entries()) {
        if (block.type === 'text') {
          await send('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
          const text = String(block.text);
          for (let i = 0; i < text.length; i += 12) {
            await send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: text.slice(i, i + 12) } });
            if (answer.kind === 'cut') return void res.end();
          }
        } else {
          await send('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
          // The real API streams tool input as partial JSON strings that only parse once joined.
          const partial = JSON.stringify(block.input);
          for (let i = 0; i < partial.length; i += 24) {
            await send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: partial.slice(i, i + 24) } });
          }
        }
        await send('content_block_stop', { type: 'content_block_stop', index });
      }
      await send('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: stopReason, stop_sequence: null },
        usage: { output_tokens: outputTokens, input_tokens: inputTokens, cache_creation_input_tokens: cacheCreation, cache_read_input_tokens: cacheRead },
      });
      await send('message_stop', { type: 'message_stop' });
      res.end();
      done();
    } catch {
      /* the client hung up mid-stream: recorded as aborted by the close handler */
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
