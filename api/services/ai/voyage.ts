// Voyage AI embeddings behind Embedder (batched by the caller; the query path uses no retries and a short time-out).
import { VoyageAIClient, VoyageAIError, VoyageAITimeoutError } from 'voyageai';
import type { Embedder } from './types.js';

export interface VoyageOptions {
  apiKey: string;
  /** Includes /v1 (the SDK posts to `${baseUrl}/embeddings`); https://api.voyageai.com/v1 when unset. */
  baseUrl?: string;
  model?: string;
  /**
   * Vector size asked of the model (voyage-3.5 offers 256, 512, 1024, 2048). 512 by default: ranking
   * over real[] in PostgreSQL is linear in it, and at 1024 each vector is TOASTed (measured: 5 000
   * vectors rank in ~0.26 s at 512 vs ~0.58 s at 1024; 20 000 in 1.7 s vs 4.2 s). Null: the model's default.
   */
  dimensions?: number | null;
  timeoutSeconds?: number;
}

export class EmbeddingError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'EmbeddingError';
  }
}

export const DEFAULT_EMBEDDING_MODEL = 'voyage-3.5';

export function createVoyageEmbedder(opts: VoyageOptions): Embedder {
  const client = new VoyageAIClient({
    apiKey: opts.apiKey,
    ...(opts.baseUrl ? { baseUrl: opts.baseUrl.replace(/\/$/, '') } : {}),
    timeoutInSeconds: opts.timeoutSeconds ?? 30,
    maxRetries: 0,
  });
  const model = opts.model ?? DEFAULT_EMBEDDING_MODEL;
  const dimensions = opts.dimensions === undefined ? 512 : opts.dimensions;
  return {
    name: 'voyage',
    // The stored key names the size too: vectors of another size are not comparable and get re-embedded.
    model: dimensions ? `${model}@${dimensions}` : model,
    maxBatch: 128,
    async embed(texts, inputType, o = {}) {
      if (texts.length === 0) return { vectors: [], tokens: 0 };
      try {
        const res = await client.embed(
          { input: texts, model, inputType, ...(dimensions ? { outputDimension: dimensions } : {}) },
          { abortSignal: o.signal, maxRetries: 0 },
        );
        const data = [...(res.data ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
        if (data.length !== texts.length || data.some((d) => !Array.isArray(d.embedding) || d.embedding.length === 0)) {
          throw new EmbeddingError(`Voyage returned ${data.length} embeddings for ${texts.length} texts.`);
        }
        return { vectors: data.map((d) => d.embedding as number[]), tokens: res.usage?.totalTokens ?? 0 };
      } catch (err) {
        if (err instanceof EmbeddingError) throw err;
        if (err instanceof VoyageAIError) throw new EmbeddingError(`Voyage answered ${err.statusCode ?? 'an error'}.`, err.statusCode);
        if (err instanceof VoyageAITimeoutError) throw new EmbeddingError('Voyage did not answer in time.');
        throw new EmbeddingError(`Could not reach Voyage: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300));
      }
    },
  };
}
