// The Anthropic Messages API behind LlmProvider: prompt-cache breakpoints, streaming, our own retry policy and time-outs.
import Anthropic, { APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import type { MessageCreateParams, MessageParam, RawMessageStreamEvent, TextBlockParam, Tool } from '@anthropic-ai/sdk/resources/messages/messages';
import { retryAfterMs, retryWait } from '../../lib/retry.js';
import { LlmError, type LlmCallOptions, type LlmContent, type LlmProvider, type LlmRequest, type LlmResponse, type LlmUsage } from './types.js';

export interface RetryPolicy {
  /** Retries after the first attempt (429, 529, 5xx, 408, network errors, time-outs). */
  maxRetries: number;
  /** Backoff without a retry-after header: up to base · 2^n (full jitter), at most maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A retry-after longer than this is not worth holding the engineer for: fail now, answer offline. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 2, baseDelayMs: 400, maxDelayMs: 8_000, maxRetryAfterMs: 8_000 };

export interface AnthropicOptions {
  apiKey: string;
  /** Root without /v1 (the SDK's convention); the SDK default (https://api.anthropic.com) when unset. */
  baseUrl?: string;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Injectable for tests that must not wait real seconds. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const abortableSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new LlmError('aborted', 'The request was cancelled.'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new LlmError('aborted', 'The request was cancelled.'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

function toParamContent(content: LlmContent[]): MessageParam['content'] {
  return content.map((c) => {
    if (c.type === 'text') return { type: 'text' as const, text: c.text, ...(c.cache ? { cache_control: { type: 'ephemeral' as const } } : {}) };
    if (c.type === 'tool_use') return { type: 'tool_use' as const, id: c.id, name: c.name, input: c.input as Record<string, unknown> };
    return { type: 'tool_result' as const, tool_use_id: c.toolUseId, content: c.content, ...(c.isError ? { is_error: true } : {}) };
  });
}

export function toAnthropicParams(req: LlmRequest): MessageCreateParams {
  const system: TextBlockParam[] = req.system.map((s) => ({
    type: 'text',
    text: s.text,
    ...(s.cache ? { cache_control: { type: 'ephemeral' } } : {}),
  }));
  const tools: Tool[] | undefined = req.tools?.map((t) => ({
    name: t.name,
    description: t.description,
    input_schema: t.inputSchema as Tool['input_schema'],
    ...(t.cache ? { cache_control: { type: 'ephemeral' } } : {}),
    ...(t.strict ? { strict: true } : {}),
  }));
  return {
    model: req.model,
    max_tokens: req.maxTokens,
    system,
    messages: req.messages.map((m) => ({ role: m.role, content: toParamContent(m.content) })),
    ...(tools ? { tools } : {}),
    ...(req.toolChoice ? { tool_choice: req.toolChoice.type === 'tool' ? { type: 'tool', name: req.toolChoice.name } : { type: 'auto' } } : {}),
    ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
  };
}

function classify(err: unknown, attempts: number, outerSignal?: AbortSignal): LlmError {
  if (err instanceof LlmError) return err;
  if (outerSignal?.aborted) return new LlmError('aborted', 'The request was cancelled.', undefined, attempts);
  if (err instanceof APIConnectionTimeoutError || (err instanceof Error && err.name === 'TimeoutError')) {
    return new LlmError('timeout', 'The model did not answer in time.', undefined, attempts);
  }
  if (err instanceof APIUserAbortError) return new LlmError('timeout', 'The model did not answer in time.', undefined, attempts);
  if (err instanceof APIError && typeof err.status === 'number') {
    const s = err.status;
    const kind = s === 429 ? 'rate_limited' : s === 529 ? 'overloaded' : s >= 500 || s === 408 ? 'server' : s === 401 || s === 403 ? 'auth' : 'bad_request';
    // The provider's message only; never the request (which carries the key in a header, not the body).
    return new LlmError(kind, `Anthropic answered ${s}: ${err.apiMessage ?? err.message}`.slice(0, 300), s, attempts);
  }
  return new LlmError('network', `Could not reach the model: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300), undefined, attempts);
}

const retryable = (e: LlmError) => ['rate_limited', 'overloaded', 'server', 'timeout', 'network'].includes(e.kind);

const emptyUsage = (): LlmUsage => ({ inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 });

export function createAnthropicProvider(opts: AnthropicOptions): LlmProvider {
  // The SDK's own retries are off: ours cap retry-after and stop when the engineer has gone away.
  const client = new Anthropic({ apiKey: opts.apiKey, baseURL: opts.baseUrl ?? null, maxRetries: 0, timeout: opts.timeoutMs ?? 45_000 });
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...opts.retry };
  const sleep = opts.sleep ?? abortableSleep;

  async function attempt(req: LlmRequest, o: LlmCallOptions, signal: AbortSignal): Promise<Omit<LlmResponse, 'attempts'>> {
    const params = toAnthropicParams(req);
    const reqOpts = { signal, timeout: o.timeoutMs ?? opts.timeoutMs ?? 45_000 };
    if (!o.onEvent) {
      const msg = await client.messages.create({ ...params, stream: false }, reqOpts);
      const toolCalls = msg.content.flatMap((b) => (b.type === 'tool_use' ? [{ id: b.id, name: b.name, input: b.input }] : []));
      const text = msg.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('');
      return {
        text,
        toolCalls,
        stopReason: msg.stop_reason,
        model: msg.model,
        usage: {
          inputTokens: msg.usage.input_tokens,
          outputTokens: msg.usage.output_tokens,
          cacheCreationInputTokens: msg.usage.cache_creation_input_tokens ?? 0,
          cacheReadInputTokens: msg.usage.cache_read_input_tokens ?? 0,
        },
      };
    }
    // Streaming: assemble tool input from input_json_delta fragments exactly as the API sends them.
    const started = Date.now();
    const stream = await client.messages.create({ ...params, stream: true }, reqOpts);
    const usage = emptyUsage();
    let model = req.model;
    let stopReason: string | null = null;
    let finished = false;
    const blocks = new Map<number, { kind: 'text'; text: string } | { kind: 'tool'; id: string; name: string; json: string }>();
    for await (const ev of stream as AsyncIterable<RawMessageStreamEvent>) {
      switch (ev.type) {
        case 'message_start':
          model = ev.message.model;
          usage.inputTokens = ev.message.usage.input_tokens;
          usage.outputTokens = ev.message.usage.output_tokens;
          usage.cacheCreationInputTokens = ev.message.usage.cache_creation_input_tokens ?? 0;
          usage.cacheReadInputTokens = ev.message.usage.cache_read_input_tokens ?? 0;
          break;
        case 'content_block_start':
          if (ev.content_block.type === 'tool_use') blocks.set(ev.index, { kind: 'tool', id: ev.content_block.id, name: ev.content_block.name, json: '' });
          else if (ev.content_block.type === 'text') blocks.set(ev.index, { kind: 'text', text: ev.content_block.text });
          break;
        case 'content_block_delta': {
          const b = blocks.get(ev.index);
          if (ev.delta.type === 'text_delta' && b?.kind === 'text') {
            b.text += ev.delta.text;
            o.onEvent({ type: 'text', text: ev.delta.text });
          } else if (ev.delta.type === 'input_json_delta' && b?.kind === 'tool') {
            b.json += ev.delta.partial_json;
            o.onEvent({ type: 'tool_input', partialJson: ev.delta.partial_json });
          }
          break;
        }
        case 'message_delta':
          stopReason = ev.delta.stop_reason;
          usage.outputTokens = ev.usage.output_tokens ?? usage.outputTokens;
          if (ev.usage.input_tokens != null) usage.inputTokens = ev.usage.input_tokens;
          if (ev.usage.cache_creation_input_tokens != null) usage.cacheCreationInputTokens = ev.usage.cache_creation_input_tokens;
          if (ev.usage.cache_read_input_tokens != null) usage.cacheReadInputTokens = ev.usage.cache_read_input_tokens;
          break;
        case 'message_stop':
          finished = true;
          break;
        default:
          break;
      }
    }
    // The SDK ends its iterator quietly when the call is aborted or times out, or the connection closes cleanly
    // mid-answer: a cut-off answer must not pass for a whole one. (A retry streams from the start again; callers
    // that show the stream say so with a reset.)
    if (!finished) {
      if (o.signal?.aborted || signal.aborted) throw new LlmError('aborted', 'The request was cancelled.');
      if (Date.now() - started >= reqOpts.timeout - 50) throw new LlmError('timeout', 'The model did not answer in time.');
      throw new LlmError('network', 'The model stopped answering before it finished.');
    }
    const ordered = [...blocks.entries()].sort((a, b) => a[0] - b[0]).map(([, b]) => b);
    const toolCalls = ordered.flatMap((b) => {
      if (b.kind !== 'tool') return [];
      let input: unknown;
      try {
        input = b.json ? JSON.parse(b.json) : {};
      } catch {
        input = { __unparseable: b.json };
      }
      return [{ id: b.id, name: b.name, input }];
    });
    const text = ordered.flatMap((b) => (b.kind === 'text' ? [b.text] : [])).join('');
    return { text, toolCalls, usage, model, stopReason };
  }

  return {
    name: 'anthropic',
    async complete(req, o = {}) {
      const outer = o.signal;
      let attempts = 0;
      for (;;) {
        attempts++;
        try {
          const controller = new AbortController();
          const onAbort = () => controller.abort(outer?.reason);
          outer?.addEventListener('abort', onAbort, { once: true });
          if (outer?.aborted) controller.abort();
          try {
            return { ...(await attempt(req, o, controller.signal)), attempts };
          } finally {
            outer?.removeEventListener('abort', onAbort);
          }
        } catch (raw) {
          const err = classify(raw, attempts, outer);
          if (!retryable(err) || attempts > policy.maxRetries || outer?.aborted) throw err;
          const hinted = raw instanceof APIError ? retryAfterMs(raw.headers as Headers | undefined) : undefined;
          const wait = retryWait({ baseMs: policy.baseDelayMs, maxMs: policy.maxDelayMs, maxRetryAfterMs: policy.maxRetryAfterMs }, attempts - 1, hinted);
          if (wait === 'too_long') {
            throw new LlmError(err.kind, `${err.message} (asked to wait ${Math.round(hinted! / 1000)} s; answering offline instead)`, err.status, attempts);
          }
          await sleep(wait, outer);
        }
      }
    },
  };
}
