// The real SDKs against the loopback fakes: wire format, caching, streaming, retries, time-outs and aborts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnthropicFake, type AnthropicFake } from '../../test/fakes/anthropic.js';
import { startVoyageFake, type VoyageFake } from '../../test/fakes/voyage.js';
import { createAnthropicProvider } from './anthropic.js';
import { buildAiProviders } from './providers.js';
import { LlmError, type LlmRequest } from './types.js';
import { createVoyageEmbedder } from './voyage.js';

let anthropic: AnthropicFake;
let voyage: VoyageFake;
beforeAll(async () => {
  anthropic = await startAnthropicFake();
  voyage = await startVoyageFake();
});
afterAll(async () => {
  await anthropic.close();
  await voyage.close();
});

const request: LlmRequest = {
  model: 'claude-haiku-4-5',
  system: [{ text: 'You are a helpful MSP copilot. '.repeat(20), cache: true }],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Ticket: Outlook keeps asking for a password' }] }],
  tools: [{ name: 'propose', description: 'Answer', inputSchema: { type: 'object', properties: { a: { type: 'string' } } } }],
  toolChoice: { type: 'tool', name: 'propose' },
  maxTokens: 512,
};

describe('Anthropic provider', () => {
  it('is built from configuration only when the key is set', () => {
    expect(buildAiProviders({ anthropic: {}, voyage: {} })).toEqual({});
    const ai = buildAiProviders({ anthropic: { apiKey: 'k', baseUrl: anthropic.url }, voyage: { apiKey: 'v', baseUrl: voyage.url } });
    expect(ai.llm?.name).toBe('anthropic');
    expect(ai.embedder?.name).toBe('voyage');
  });

  it('sends the real wire format and reads tool use and cache usage', async () => {
    const llm = createAnthropicProvider({ apiKey: 'sk-test-1', baseUrl: anthropic.url });
    const before = anthropic.requests.length;
    anthropic.script({ kind: 'tool', input: { a: 'one' } }, { kind: 'tool', input: { a: 'two' } });
    const first = await llm.complete(request);
    const second = await llm.complete(request);
    const sent = anthropic.requests[before]!;
    expect(sent.path).toBe('/v1/messages');
    expect(sent.headers.authorization).toBe('Bearer sk-test-1');
    expect(sent.headers['anthropic-version']).toBeTruthy();
    expect(sent.body.system[0].cache_control).toEqual({ type: 'ephemeral' });
    expect(sent.body.tool_choice).toEqual({ type: 'tool', name: 'propose' });
    expect(first.toolCalls[0]).toMatchObject({ name: 'propose', input: { a: 'one' } });
    expect(first.usage.cacheCreationInputTokens).toBeGreaterThan(0);
    expect(second.usage.cacheReadInputTokens).toBe(first.usage.cacheCreationInputTokens);
    expect(second.usage.cacheCreationInputTokens).toBe(0);
  });

  it('streams tool input deltas and assembles the same answer', async () => {
    const llm = createAnthropicProvider({ apiKey: 'k', baseUrl: anthropic.url });
    anthropic.script({ kind: 'tool', input: { a: 'x'.repeat(100) }, text: 'Thinking about it.' });
    const deltas: string[] = [];
    const res = await llm.complete(request, { onEvent: (e) => deltas.push(e.type) });
    expect(anthropic.requests.at(-1)!.body.stream).toBe(true);
    expect(res.toolCalls[0]!.input).toEqual({ a: 'x'.repeat(100) });
    expect(res.text).toBe('Thinking about it.');
    expect(deltas.filter((d) => d === 'tool_input').length).toBeGreaterThan(2);
    expect(res.usage.outputTokens).toBeGreaterThan(0);
  });

  it('fails a streamed answer cut off before message_stop instead of passing part of it as whole', async () => {
    const llm = createAnthropicProvider({ apiKey: 'k', baseUrl: anthropic.url, retry: { maxRetries: 0 } });
    anthropic.script({ kind: 'cut', text: 'Restart the print spooler, then clear the queue and print a test page.' });
    const streamed: string[] = [];
    const err = await llm.complete(request, { onEvent: (e) => e.type === 'text' && streamed.push(e.text) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect((err as LlmError).kind).toBe('network');
    expect(streamed.join('')).toBe('Restart the ');
  });

  it('asks again after a cut-off stream and answers with the whole second answer', async () => {
    const llm = createAnthropicProvider({ apiKey: 'k', baseUrl: anthropic.url, sleep: async () => {} });
    const before = anthropic.requests.length;
    anthropic.script({ kind: 'cut', text: 'Restart the print spooler.' }, { kind: 'text', text: 'Restart the print spooler, then print a test page.' });
    const res = await llm.complete(request, { onEvent: () => {} });
    expect(res.text).toBe('Restart the print spooler, then print a test page.');
    expect(res.attempts).toBe(2);
    expect(anthropic.requests.length - before).toBe(2);
  });

  it('retries 429 and 529 honouring retry-after, then answers', async () => {
    const waits: number[] = [];
    const llm = createAnthropicProvider({ apiKey: 'k', baseUrl: anthropic.url, sleep: async (ms) => void waits.push(ms) });
    anthropic.script({ kind: 'error', status: 429, retryAfter: 2 }, { kind: 'error', status: 529 }, { kind: 'tool', input: { a: 'ok' } });
    const res = await llm.complete(request);
    expect(res.attempts).toBe(3);
    expect(waits[0]).toBe(2000);
    expect(waits).toHaveLength(2);
  });

  it('gives up at once when retry-after is longer than the engineer should wait', async () => {
    const llm = createAnthropicProvider({ apiKey: 'k', baseUrl: anthropic.url, sleep: async () => {} });
    anthropic.script({ kind: 'error', status: 429, retryAfter: 120 });
    await expect(llm.complete(request)).rejects.toMatchObject({ kind: 'rate_limited', attempts: 1 });
  });

  it('does not retry a bad request, and never puts the key in the error', async () => {
    const llm = createAnthropicProvider({ apiKey: 'sk-very-secret', baseUrl: anthropic.url, sleep: async () => {} });
    anthropic.script({ kind: 'error', status: 400, message: 'bad' });
    const err = await llm.complete(request).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect((err as LlmError).kind).toBe('bad_request');
    expect(JSON.stringify({ m: (err as Error).message, s: (err as Error).stack })).not.toContain('sk-very-secret');
  });

  it('times out a hanging call and aborts on the caller signal', async () => {
    const llm = createAnthropicProvider({ apiKey: 'k', baseUrl: anthropic.url, retry: { maxRetries: 0 } });
    anthropic.script({ kind: 'hang' });
    await expect(llm.complete(request, { timeoutMs: 200 })).rejects.toMatchObject({ kind: 'timeout' });
    anthropic.script({ kind: 'hang' });
    const ctl = new AbortController();
    const p = llm.complete(request, { signal: ctl.signal, onEvent: () => {} });
    const n = anthropic.requests.length;
    await anthropic.waitForRequests(n);
    setTimeout(() => ctl.abort(), 50);
    await expect(p).rejects.toMatchObject({ kind: 'aborted' });
    await new Promise((r) => setTimeout(r, 50));
    expect(anthropic.requests.at(-1)!.aborted).toBe(true);
  });
});

describe('Voyage embedder', () => {
  it('posts to {base}/embeddings with input_type and returns vectors in order', async () => {
    const emb = createVoyageEmbedder({ apiKey: 'pa-test', baseUrl: voyage.url });
    const res = await emb.embed(['Outlook asks for the password again', 'printer offline'], 'document');
    const sent = voyage.requests.at(-1)!;
    expect(sent.path).toBe('/v1/embeddings');
    expect(sent.headers.authorization).toBe('Bearer pa-test');
    expect(sent.body).toMatchObject({ input_type: 'document', model: 'voyage-3.5', output_dimension: 512 });
    expect(emb.model).toBe('voyage-3.5@512');
    expect(res.vectors).toHaveLength(2);
    expect(res.vectors[0]).toEqual(voyage.vectorOf('Outlook asks for the password again'));
  });

  it('turns an error status into an EmbeddingError without retrying', async () => {
    const emb = createVoyageEmbedder({ apiKey: 'pa-test', baseUrl: voyage.url });
    const n = voyage.requests.length;
    voyage.script({ kind: 'error', status: 429, retryAfter: 1 });
    await expect(emb.embed(['x'], 'query')).rejects.toMatchObject({ name: 'EmbeddingError', status: 429 });
    expect(voyage.requests.length).toBe(n + 1);
  });
});
