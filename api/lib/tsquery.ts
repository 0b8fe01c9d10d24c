// Free text to a safe to_tsquery('english', …) string, in one of a few explicit modes. Only words reach the
// query (never an operator a user typed); null means nothing searchable was left.

/**
 * - `all-prefix`: every word must match, each as a prefix — a search box, searched as you type.
 * - `any`: any one word — prose (a ticket, a prompt) matched against the library.
 * - `any-prefix`: any word as a prefix, words of two letters or more — the lexical leg of hybrid search, for recall.
 */
export type TsQueryMode = 'all-prefix' | 'any' | 'any-prefix';

const MODES: Record<TsQueryMode, { join: ' & ' | ' | '; prefix: boolean; minLength: number; maxWords: number }> = {
  'all-prefix': { join: ' & ', prefix: true, minLength: 1, maxWords: 24 },
  any: { join: ' | ', prefix: false, minLength: 1, maxWords: 24 },
  'any-prefix': { join: ' | ', prefix: true, minLength: 2, maxWords: 16 },
};

const STOP = new Set('a an and are as at be but by for from has have in is it of on or so the to was were with this that not no'.split(' '));

export function tsQuery(input: string, mode: TsQueryMode): string | null {
  const m = MODES[mode];
  const words = [...new Set(input.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])].filter((w) => w.length >= m.minLength && !STOP.has(w)).slice(0, m.maxWords);
  if (!words.length) return null;
  return words.map((w) => (m.prefix ? `${w}:*` : w)).join(m.join);
}
