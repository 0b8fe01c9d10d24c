// Builds the model providers once at start from configuration: each only when its key is set.
import type { Config } from '../../config.js';
import { createAnthropicProvider } from './anthropic.js';
import type { AiProviders } from './types.js';
import { createVoyageEmbedder } from './voyage.js';

export function buildAiProviders(config: Pick<Config, 'anthropic' | 'voyage'>): AiProviders {
  const ai: AiProviders = {};
  if (config.anthropic.apiKey) ai.llm = createAnthropicProvider({ apiKey: config.anthropic.apiKey, baseUrl: config.anthropic.baseUrl });
  if (config.voyage.apiKey) ai.embedder = createVoyageEmbedder({ apiKey: config.voyage.apiKey, baseUrl: config.voyage.baseUrl });
  return ai;
}
