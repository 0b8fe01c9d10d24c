// Redaction: finds secrets (passwords, keys, tokens, private keys, connection strings, webhooks,
// pre-shared keys, recovery codes, card numbers, the account's own patterns and words) and replaces
// them before anything is posted, shared or sent to a model. Detection runs on a normalised copy
// (normalize.ts) and spans are mapped back: the output is always the ORIGINAL text with each secret
// replaced by a marker. Everything here is linear in the length of the text (see detectors.ts).
import { createHash } from 'node:crypto';
import type { Tx } from '../../db/database.js';
import { readPreferences, type Preferences } from '../settings.js';
import { accountPatternSpans, compileAccountPattern } from './account.js';
import { DETECTORS, type Detector, type SecretKind } from './detectors.js';
import { normalise, toOriginal, type Normalised } from './normalize.js';

export type { SecretKind } from './detectors.js';
export { patternProblem } from './account.js';

export interface RedactionRules {
  /** Account-defined regular expressions (RE2 syntax); each match is redacted whole. */
  patterns: readonly string[];
  /** Account-defined words or phrases, matched case-insensitively as whole words. */
  words: readonly string[];
}

export const NO_ACCOUNT_RULES: RedactionRules = { patterns: [], words: [] };

export interface Finding {
  kind: SecretKind;
  /** Offsets in the original text, [start, end). */
  start: number;
  end: number;
  /** The detector that found it (for tests and the review list; never the secret). */
  rule?: string;
}

export interface RedactionResult {
  text: string;
  findings: Finding[];
  /** How many secrets of each kind were replaced (for the preview's "3 hidden: …" line). */
  counts: Partial<Record<SecretKind, number>>;
}

export interface RedactOptions {
  /** How a removed secret is shown; default "[redacted password]". */
  marker?: (kind: SecretKind) => string;
}

export const defaultMarker = (kind: SecretKind) => `[redacted ${kind}]`;
const MARKER_RE = /\[redacted [a-z -]{1,40}\]/gi;

export function rulesFromPreferences(prefs: Pick<Preferences, 'redaction'>): RedactionRules {
  return { patterns: [...prefs.redaction.patterns], words: [...prefs.redaction.words] };
}

/** The account's rules, read in the caller's tenant transaction. */
export async function loadRedactionRules(tx: Tx): Promise<RedactionRules> {
  return rulesFromPreferences(await readPreferences(tx));
}

/** Changes whenever the rules (or the built-in detectors) change; part of the note cache key. */
export const DETECTORS_VERSION = 2;
export function rulesHash(rules: RedactionRules): string {
  return createHash('sha256').update(JSON.stringify([DETECTORS_VERSION, rules.patterns, rules.words])).digest('hex').slice(0, 16);
}

// ---- running the detectors -------------------------------------------------------------------

/** Raw spans of one detector in the (normalised) text; exported for the linear-time test. */
export function runDetector(d: Detector, text: string): Finding[] {
  const out: Finding[] = [];
  const ctx = { text };
  if (d.scan) return d.scan(text).map(([start, end]) => ({ kind: d.kind, start, end, rule: d.name }));
  const re = d.re;
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  // A rejected match resumes one character later (not after the match), so "the user back. login jdoe X"
  // still finds "login jdoe X". Every quantifier is bounded, so this stays linear.
  const reject = (mm: RegExpExecArray) => {
    re.lastIndex = mm.index + 1;
  };
  while ((m = re.exec(text))) {
    if (m[0].length === 0) re.lastIndex++;
    if (d.locate) {
      const span = d.locate(m, ctx);
      if (span) out.push({ kind: d.kindOf?.(m) ?? d.kind, start: span[0], end: span[1], rule: d.name });
      else reject(m);
      continue;
    }
    const group = d.group ?? 0;
    const value = m[group];
    if (value === undefined || value === '' || (d.accept && !d.accept(value, m, ctx))) {
      reject(m);
      continue;
    }
    // The group's offset inside the match: search from the end so a value equal to an earlier word is found correctly.
    const offset = group === 0 ? 0 : m[0].lastIndexOf(value);
    let start = m.index + offset;
    let end = start + value.length;
    const quoted = /^(["'`]).*\1$/s.test(value) && value.length > 2;
    if (quoted) {
      start += 1;
      end -= 1;
    } else if (group !== 0) {
      // Trailing sentence punctuation is not part of the secret ("… is Hunter2!." keeps the final dot).
      const trimmed = value.replace(/[.,;)\]}>"'`]+$/, '');
      if (trimmed.length >= 3) end = start + trimmed.length;
    }
    out.push({ kind: d.kind, start, end, rule: d.name });
  }
  return out;
}

/** Card numbers: 13–19 digits, optionally grouped by spaces or dashes, passing the Luhn check. */
const CARD = /(?<![\d.-])(?:\d[ -]?){12,18}\d(?![\d.-])/g;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

function cardFindings(text: string): Finding[] {
  const out: Finding[] = [];
  for (const m of text.matchAll(CARD)) {
    const raw = m[0];
    const digits = raw.replace(/[ -]/g, '');
    if (digits.length < 13 || digits.length > 19 || !luhnValid(digits)) continue;
    // Mixed separators ("1234-5678 9012") or a single run of zeros is not a card.
    if (/ /.test(raw) && /-/.test(raw)) continue;
    if (/^0+$/.test(digits) || !/^[2-6]/.test(digits)) continue;
    out.push({ kind: 'card number', start: m.index!, end: m.index! + raw.length, rule: 'card-number' });
  }
  return out;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function accountFindings(original: string, n: Normalised, rules: RedactionRules): Finding[] {
  const out: Finding[] = [];
  // Account patterns run on RE2 (linear time) against the original text.
  for (const source of rules.patterns) {
    const p = compileAccountPattern(source);
    if (!p) continue; // settings validate patterns; an old invalid one is skipped rather than breaking every note
    for (const [start, end] of accountPatternSpans(p, original)) out.push({ kind: 'account pattern', start, end, rule: 'account-pattern' });
  }
  // Account words are literal: matched on the normalised copy (so a pasted zero-width space does not hide them).
  for (const word of rules.words) {
    const w = normalise(word.trim()).text;
    if (!w) continue;
    const left = /^\w/.test(w) ? String.raw`(?<![\p{L}\p{N}_])` : '';
    const right = /\w$/.test(w) ? String.raw`(?![\p{L}\p{N}_])` : '';
    for (const m of n.text.matchAll(new RegExp(left + escapeRegExp(w) + right, 'giu'))) {
      const [start, end] = toOriginal(n, m.index!, m.index! + m[0].length);
      out.push({ kind: 'account word', start, end, rule: 'account-word' });
    }
  }
  return out;
}

/** Every secret in `text`, as non-overlapping spans of the original text in order (overlaps are merged, first kind wins). */
export function findSecrets(text: string, rules: RedactionRules = NO_ACCOUNT_RULES): Finding[] {
  const n = normalise(text);
  const found: Finding[] = [];
  for (const d of DETECTORS) {
    for (const f of runDetector(d, n.text)) {
      const [start, end] = toOriginal(n, f.start, f.end);
      if (end > start) found.push({ ...f, start, end });
    }
  }
  for (const f of cardFindings(n.text)) {
    const [start, end] = toOriginal(n, f.start, f.end);
    found.push({ ...f, start, end });
  }
  found.push(...accountFindings(text, n, rules));
  // Idempotent: a "[redacted …]" marker from an earlier pass is never itself a secret (text is often
  // redacted twice: a prompt's lines, then the whole prompt; an edited preview before posting). Findings
  // are clipped around markers, not dropped, so text outside a marker is still redacted. Linear: both
  // lists are in order and each finding only looks at the markers it overlaps.
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const markers = [...text.matchAll(MARKER_RE)].map((m) => [m.index, m.index + m[0].length] as const);
  let kept = found;
  if (markers.length) {
    kept = [];
    let k = 0;
    for (const f of found) {
      while (k < markers.length && markers[k]![1] <= f.start) k++;
      let at = f.start;
      for (let j = k; j < markers.length && markers[j]![0] < f.end; j++) {
        if (markers[j]![0] > at && /[\p{L}\p{N}]/u.test(text.slice(at, markers[j]![0]))) kept.push({ ...f, start: at, end: markers[j]![0] });
        at = Math.max(at, markers[j]![1]);
      }
      if (at < f.end && /[\p{L}\p{N}]/u.test(text.slice(at, f.end))) kept.push({ ...f, start: at, end: f.end });
    }
    kept.sort((a, b) => a.start - b.start || b.end - a.end);
  }
  const merged: Finding[] = [];
  for (const f of kept) {
    const last = merged[merged.length - 1];
    if (last && f.start < last.end) last.end = Math.max(last.end, f.end);
    else merged.push({ ...f });
  }
  return merged;
}

/** Replaces every secret in `text`; the result says what was removed. */
export function redact(text: string, rules: RedactionRules = NO_ACCOUNT_RULES, opts: RedactOptions = {}): RedactionResult {
  const marker = opts.marker ?? defaultMarker;
  const findings = findSecrets(text, rules);
  if (!findings.length) return { text, findings, counts: {} };
  let out = '';
  let at = 0;
  const counts: Partial<Record<SecretKind, number>> = {};
  for (const f of findings) {
    out += text.slice(at, f.start) + marker(f.kind);
    at = f.end;
    counts[f.kind] = (counts[f.kind] ?? 0) + 1;
  }
  return { text: out + text.slice(at), findings, counts };
}

/** Shorthand: the redacted text alone. */
export const redactText = (text: string, rules: RedactionRules = NO_ACCOUNT_RULES, opts: RedactOptions = {}) => redact(text, rules, opts).text;

/**
 * Redacts first, then cuts to `max` characters: cutting first could separate a keyword from its
 * value ("password:" | "Hunter2") so the value would no longer be recognised.
 */
export function redactThenTruncate(text: string, max: number, rules: RedactionRules = NO_ACCOUNT_RULES): string {
  return redactText(text, rules).slice(0, max);
}

/** Adds counts of several results together (a note redacts many fragments). */
export function mergeCounts(...all: Partial<Record<SecretKind, number>>[]): Partial<Record<SecretKind, number>> {
  const out: Partial<Record<SecretKind, number>> = {};
  for (const c of all) for (const [k, v] of Object.entries(c) as [SecretKind, number][]) out[k] = (out[k] ?? 0) + v;
  return out;
}

export { DETECTORS } from './detectors.js';
