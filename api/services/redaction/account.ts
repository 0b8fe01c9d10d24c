// The account's own redaction patterns run on RE2 (re2js, pure JavaScript): matching is linear in the
// text whatever the pattern, so a pattern such as (a+)+$ cannot stall the process for every tenant.
// Patterns RE2 cannot compile (back-references, lookaround, possessive quantifiers…) are refused at
// PUT /v1/settings with the reason.
import { RE2JS } from 're2js';

export interface CompiledPattern {
  source: string;
  re: RE2JS;
}

/** Why a pattern cannot be used, or null when it compiles on the linear-time engine. */
export function patternProblem(source: string): string | null {
  try {
    const re = RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
    if (re.matches('')) return 'matches the empty text, so it would match everywhere';
    return null;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const hint = /\(\?[=!]|\(\?<[=!]/.test(source)
      ? ' (lookahead and lookbehind are not supported)'
      : /\\[1-9]/.test(source)
        ? ' (back-references are not supported)'
        : '';
    return `is not supported by the linear-time (RE2) engine: ${msg}${hint}`;
  }
}

const cache = new Map<string, CompiledPattern | null>();

/** Compiled once per source; an invalid stored pattern (from before validation) compiles to null and is skipped. */
export function compileAccountPattern(source: string): CompiledPattern | null {
  let hit = cache.get(source);
  if (hit === undefined) {
    try {
      hit = { source, re: RE2JS.compile(source, RE2JS.CASE_INSENSITIVE) };
    } catch {
      hit = null;
    }
    if (cache.size > 2000) cache.clear();
    cache.set(source, hit);
  }
  return hit;
}

/** Every non-empty match of the pattern in `text`, as [start, end) offsets (UTF-16). */
export function accountPatternSpans(p: CompiledPattern, text: string): [number, number][] {
  const out: [number, number][] = [];
  const m = p.re.matcher(text);
  let from = 0;
  while (from <= text.length && m.find(from)) {
    const start = m.start();
    const end = m.end();
    if (end > start) out.push([start, end]);
    from = end > start ? end : end + 1;
  }
  return out;
}
