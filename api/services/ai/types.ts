// The two model-provider interfaces the API depends on; Anthropic and Voyage implement them, tests inject fakes by base URL.

export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
}

export type LlmContent =
  | { type: 'text'; text: string; cache?: boolean }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'tool_result'; toolUseId: string; content: string; isError?: boolean };

export interface LlmMessage {
  role: 'user' | 'assistant';
  content: LlmContent[];
}

export interface LlmTool {
  name: string;
  description: string;
  /** JSON Schema of the tool's input. */
  inputSchema: Record<string, unknown>;
  /** Mark the end of the stable prefix (tools → system → early messages) for prompt caching. */
  cache?: boolean;
  /** Strict tool use: the provider constrains the model's input to the schema (grammar-constrained sampling). */
  strict?: boolean;
}

export interface LlmRequest {
  model: string;
  /** System prompt blocks; `cache` puts a cache breakpoint after the block. */
  system: { text: string; cache?: boolean }[];
  messages: LlmMessage[];
  tools?: LlmTool[];
  /** Force one tool (structured output) or let the model choose. */
  toolChoice?: { type: 'tool'; name: string } | { type: 'auto' };
  maxTokens: number;
  temperature?: number;
}

export interface LlmResponse {
  text: string;
  toolCalls: { id: string; name: string; input: unknown }[];
  usage: LlmUsage;
  stopReason: string | null;
  /** The model that answered (as reported by the provider). */
  model: string;
  /** HTTP attempts made, including retries. */
  attempts: number;
}

export type LlmStreamEvent = { type: 'text'; text: string } | { type: 'tool_input'; partialJson: string };

export interface LlmCallOptions {
  /** Aborts the upstream call (the client went away). */
  signal?: AbortSignal;
  /** Per-attempt time-out; the provider's default when unset. */
  timeoutMs?: number;
  /** When set, the call streams and reports deltas as they arrive. */
  onEvent?: (event: LlmStreamEvent) => void;
}

export type LlmErrorKind = 'rate_limited' | 'overloaded' | 'server' | 'timeout' | 'aborted' | 'auth' | 'bad_request' | 'network';

/** A provider failure, already classified; the message never contains the key. */
export class LlmError extends Error {
  constructor(
    readonly kind: LlmErrorKind,
    message: string,
    readonly status?: number,
    readonly attempts = 1,
  ) {
    super(message);
    this.name = 'LlmError';
  }
}

export interface LlmProvider {
  readonly name: string;
  complete(request: LlmRequest, options?: LlmCallOptions): Promise<LlmResponse>;
}

export type EmbeddingInputType = 'document' | 'query';

export interface Embedder {
  readonly name: string;
  readonly model: string;
  /** The most texts one call may carry (the caller batches). */
  readonly maxBatch: number;
  embed(texts: string[], inputType: EmbeddingInputType, options?: { signal?: AbortSignal }): Promise<{ vectors: number[][]; tokens: number }>;
}

/** What `Deps.ai` holds: each provider only when its key is configured. */
export interface AiProviders {
  llm?: LlmProvider;
  embedder?: Embedder;
}
