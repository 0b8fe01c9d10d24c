// The offline copilot as the AI layer uses it (the engine's).
import { offlineSuggest, type OfflineSuggestFn } from '../copilot/offline.js';

export type OfflineSuggester = OfflineSuggestFn;

/** The engine's offline copilot: deterministic, explained, and the fallback for every model failure. */
export const offlineSuggester: OfflineSuggester = offlineSuggest;
