// The offline copilot as the AI layer uses it (the engine's), and the any-word query helper shared by routing and the flow builder.
import { offlineSuggest, type OfflineSuggestFn } from '../copilot/offline.js';

export type OfflineSuggester = OfflineSuggestFn;

/** The engine's offline copilot: deterministic, explained, and the fallback for every model failure. */
export const offlineSuggester: OfflineSuggester = offlineSuggest;

/** Any-word full-text query over free text (a ticket or a prompt is prose, not a search box). */
export function anyWordTsQuery(text: string): string | null {
  const words = [...new Set(text.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? [])].slice(0, 24);
  return words.length ? words.join(' | ') : null;
}
