// Redaction: finds secrets (passwords, keys, tokens, private keys, connection strings, card numbers,
// the account's own patterns and words) and replaces them before anything is posted, shared or sent to a model.
import { createHash } from 'node:crypto';
import type { Tx } from '../../db/database.js';
import { readPreferences, type Preferences } from '../settings.js';

export type SecretKind =
  | 'password'
  | 'api key'
  | 'token'
  | 'private key'
  | 'connection string'
  | 'card number'
  | 'account pattern'
  | 'account word';

export interface RedactionRules {
  /** Account-defined regular expressions (sources); each match is redacted whole. */
  patterns: readonly string[];
  /** Account-defined words or phrases, matched case-insensitively as whole words. */
  words: readonly string[];
}

export const NO_ACCOUNT_RULES: RedactionRules = { patterns: [], words: [] };

export interface Finding {
  kind: SecretKind;
  start: number;
  end: number;
}

export interface RedactionResult {
  text: string;
  findings: Finding[];
  /** How many secrets of each kind were replaced (for the preview's "3 redactions" line). */
  counts: Partial<Record<SecretKind, number>>;
}

export interface RedactOptions {
  /** How a removed secret is shown; default "[redacted password]". */
  marker?: (kind: SecretKind) => string;
}

export const defaultMarker = (kind: SecretKind) => `[redacted ${kind}]`;

export function rulesFromPreferences(prefs: Pick<Preferences, 'redaction'>): RedactionRules {
  return { patterns: [...prefs.redaction.patterns], words: [...prefs.redaction.words] };
}

/** The account's rules, read in the caller's tenant transaction. */
export async function loadRedactionRules(tx: Tx): Promise<RedactionRules> {
  return rulesFromPreferences(await readPreferences(tx));
}

/** Changes whenever the rules change; part of the note cache key. */
export function rulesHash(rules: RedactionRules): string {
  return createHash('sha256').update(JSON.stringify([rules.patterns, rules.words])).digest('hex').slice(0, 16);
}

// ---- detectors ------------------------------------------------------------------------------

interface Detector {
  kind: SecretKind;
  re: RegExp;
  /** Index of the capture group that holds the secret (0 = whole match). */
  group?: number;
  /** Extra check on the captured value (and the whole match). */
  accept?: (value: string, match: RegExpExecArray) => boolean;
}

/** Words that follow "password is/was/to" in ordinary sentences and are not passwords. */
const NOT_A_PASSWORD = new Set(
  `expired expiring expire incorrect wrong correct invalid valid reset changed change required requires needed
  set not the a an and or to for of on in at by is was be been being being too very now still also only
  blank empty missing unknown same different new old temporary temp weak strong complex simple short long
  locked unlocked working accepted rejected saved stored cached synced updated ok okay fine good bad
  policy prompt prompts field box manager protected encrypted hidden shown sent emailed texted given
  none n/a na null tbd yes no please their his her my your our its this that`.split(/\s+/),
);

/** A value looks like a real secret: mixes letters with digits or symbols, or is not a plain word. */
function looksSecret(value: string): boolean {
  const v = value.replace(/[.,;:!?)\]]+$/, '');
  if (v.length < 4 || NOT_A_PASSWORD.has(v.toLowerCase())) return false;
  const hasDigit = /\d/.test(v);
  const hasLetter = /\p{L}/u.test(v);
  const hasSymbol = /[^\p{L}\p{N}]/u.test(v);
  const mixedCase = /\p{Ll}/u.test(v) && /\p{Lu}/u.test(v.slice(1));
  return (hasLetter && (hasDigit || hasSymbol)) || mixedCase || (hasDigit && hasSymbol);
}

const PW_WORD = String.raw`(?:pass(?:word|wd|code|phrase)?|pwd|pw|kennwort|passwort|mot de passe|pin)`;
// A value: quoted, or a run of non-space characters.
const VALUE = String.raw`("[^"\n]{1,200}"|'[^'\n]{1,200}'|\S{1,200})`;
const unquote = (v: string) => v.replace(/^["']|["']$/g, '');

const DETECTORS: Detector[] = [
  // Private key blocks (PEM, OpenSSH, PGP), also when the END line was cut off.
  { kind: 'private key', re: /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END \1PRIVATE KEY(?: BLOCK)?-----|$)/g },
  { kind: 'private key', re: /PuTTY-User-Key-File-\d: [\s\S]*?Private-MAC: [0-9a-f]+/g },
  // JWTs (three base64url parts, the first two JSON objects).
  { kind: 'token', re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  // Authorization headers.
  { kind: 'token', re: /\b(?:Bearer|Basic|Token|Digest)\s+([A-Za-z0-9\-._~+/]{12,}=*)/g, group: 1 },
  // Cloud provider and SaaS keys with recognisable prefixes.
  { kind: 'api key', re: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16}\b/g },
  { kind: 'api key', re: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { kind: 'token', re: /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/g },
  { kind: 'token', re: /\bgithub_pat_[A-Za-z0-9_]{22,255}\b/g },
  { kind: 'token', re: /\bglpat-[A-Za-z0-9_-]{20,}\b/g },
  { kind: 'token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g },
  { kind: 'token', re: /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/]+/g },
  { kind: 'api key', re: /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}\b/g },
  { kind: 'api key', re: /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}\b/g },
  { kind: 'api key', re: /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}\b/g },
  { kind: 'api key', re: /\b(?:npm_[A-Za-z0-9]{36}|pypi-[A-Za-z0-9_-]{50,})\b/g },
  // Azure storage / service bus keys and SAS signatures.
  { kind: 'connection string', re: /\b(?:AccountKey|SharedAccessKey|SharedSecret)\s*=\s*([A-Za-z0-9+/=]{16,})/gi, group: 1 },
  { kind: 'token', re: /[?&]sig=([A-Za-z0-9%+/=]{16,})/g, group: 1 },
  // Credentials inside URLs: scheme://user:password@host.
  { kind: 'connection string', re: /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:/@]{1,100}:([^\s@/]{1,200})@/gi, group: 1 },
  // Password=…; inside connection strings (ADO.NET, ODBC, JDBC properties).
  { kind: 'connection string', re: /\b(?:password|pwd)\s*=\s*("[^"\n]*"|'[^'\n]*'|[^;'"\s]+)/gi, group: 1, accept: (v) => unquote(v).length > 0 },
  // aws_secret_access_key = …, client_secret: …, api_key=…, token: …
  {
    kind: 'api key',
    re: /\b(?:aws_secret_access_key|secret[_ -]?access[_ -]?key|client[_ -]?secret|api[_ -]?key|apikey|api[_ -]?secret|app[_ -]?secret|secret[_ -]?key|access[_ -]?token|auth[_ -]?token|refresh[_ -]?token|private[_ -]?token|x-api-key|secret|token)["']?\s*(?:[:=]|=>)\s*("[^"\n]{6,}"|'[^'\n]{6,}'|[A-Za-z0-9_\-./+=~]{8,})/gi,
    group: 1,
    accept: (v) => looksSecret(unquote(v)),
  },
  // PowerShell and cmd: ConvertTo-SecureString "…" -AsPlainText, -Password "…", net user name pass.
  { kind: 'password', re: /ConvertTo-SecureString\s+(?:-String\s+)?("[^"\n]+"|'[^'\n]+')/gi, group: 1 },
  { kind: 'password', re: /-(?:Password|Pwd|Passwd|Secret|AccountPassword)\s+("[^"\n]+"|'[^'\n]+'|[^\s$(-][^\s]*)/gi, group: 1 },
  { kind: 'password', re: /\bnet\s+user\s+("[^"]+"|\S+)\s+(?!\/)([^\s*]\S*)/gi, group: 2 },
  { kind: 'password', re: /\bnet\s+use\s+\S+\s+\\\\\S+\s+(?!\/)([^\s*]\S*)/gi, group: 1 },
  // "password: X", "pw = X", "pwd -> X" — a value follows a separator.
  {
    kind: 'password',
    re: new RegExp(String.raw`\b${PW_WORD}s?\b["']?\s*(?::|=|->|=>)\s*${VALUE}`, 'gi'),
    group: 1,
    accept: (v) => unquote(v).length >= 3 && !NOT_A_PASSWORD.has(unquote(v).toLowerCase().replace(/[.,;!?]+$/, '')),
  },
  // "password is X", "new password was X", "reset the password to X", "temp password X", "password for jdoe is X".
  {
    kind: 'password',
    re: new RegExp(
      String.raw`\b${PW_WORD}\b(?:\s+(?:for|of)\s+\S+)?\s+(?:(?:is|was|has been|have been)\s+(?:changed|reset|set|updated)\s+to|set to|reset to|changed to|updated to|is now|will be|is|was|to|now|=)\s+(?:now\s+)?${VALUE}`,
      'gi',
    ),
    group: 1,
    accept: (v) => /^["']/.test(v) || looksSecret(v),
  },
  {
    kind: 'password',
    re: new RegExp(String.raw`\b(?:temp(?:orary)?|new|initial|one[- ]time|default)\s+${PW_WORD}\s+${VALUE}`, 'gi'),
    group: 1,
    accept: (v) => /^["']/.test(v) || looksSecret(v),
  },
  // No separator at all: "password Zebra-Horse-42!". Stricter: letters and digits together, at least 6 long.
  {
    kind: 'password',
    re: new RegExp(String.raw`\b${PW_WORD}\s+${VALUE}`, 'gi'),
    group: 1,
    accept: (v) => {
      const bare = unquote(v).replace(/[.,;:!?)\]]+$/, '');
      return /^["']/.test(v) || (bare.length >= 6 && /\p{L}/u.test(bare) && /\d/.test(bare) && looksSecret(bare));
    },
  },
  // Credentials written as user / password on one line: "creds: jdoe / Hunter2!".
  {
    kind: 'password',
    re: /\b(?:creds|credentials|login|logon)\s*[:=]\s*\S+\s*(?:\/|\s)\s*(\S+)/gi,
    group: 1,
    accept: (v) => looksSecret(v),
  },
];

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
    out.push({ kind: 'card number', start: m.index!, end: m.index! + raw.length });
  }
  return out;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function accountFindings(text: string, rules: RedactionRules): Finding[] {
  const out: Finding[] = [];
  for (const source of rules.patterns) {
    let re: RegExp;
    try {
      re = new RegExp(source, 'giu');
    } catch {
      continue; // settings validate patterns; an old invalid one is skipped rather than breaking every note
    }
    for (const m of text.matchAll(re)) if (m[0].length > 0) out.push({ kind: 'account pattern', start: m.index!, end: m.index! + m[0].length });
  }
  for (const word of rules.words) {
    const w = word.trim();
    if (!w) continue;
    const left = /^\w/.test(w) ? String.raw`(?<![\p{L}\p{N}_])` : '';
    const right = /\w$/.test(w) ? String.raw`(?![\p{L}\p{N}_])` : '';
    for (const m of text.matchAll(new RegExp(left + escapeRegExp(w) + right, 'giu'))) {
      out.push({ kind: 'account word', start: m.index!, end: m.index! + m[0].length });
    }
  }
  return out;
}

/** Every secret in `text`, as non-overlapping spans in order (overlaps are merged, first kind wins). */
export function findSecrets(text: string, rules: RedactionRules = NO_ACCOUNT_RULES): Finding[] {
  const found: Finding[] = [];
  for (const d of DETECTORS) {
    d.re.lastIndex = 0;
    for (const m of text.matchAll(d.re)) {
      const group = d.group ?? 0;
      const value = m[group];
      if (value === undefined || value === '') continue;
      if (d.accept && !d.accept(value, m as RegExpExecArray)) continue;
      // The group's offset inside the match: search from the end so a value equal to an earlier word is found correctly.
      const offset = group === 0 ? 0 : m[0].lastIndexOf(value);
      let start = m.index! + offset;
      let end = start + value.length;
      // Trailing sentence punctuation is not part of a password ("… is Hunter2!." keeps the final dot).
      if (d.kind === 'password' && !/^["']/.test(value)) {
        const trimmed = value.replace(/[.,;)]+$/, '');
        if (trimmed.length >= 3) end = start + trimmed.length;
      }
      if (/^["']/.test(value) && value.length > 2) {
        start += 1;
        end -= 1;
      }
      found.push({ kind: d.kind, start, end });
    }
  }
  found.push(...cardFindings(text), ...accountFindings(text, rules));
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Finding[] = [];
  for (const f of found) {
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

/** Adds counts of several results together (a note redacts many fragments). */
export function mergeCounts(...all: Partial<Record<SecretKind, number>>[]): Partial<Record<SecretKind, number>> {
  const out: Partial<Record<SecretKind, number>> = {};
  for (const c of all) for (const [k, v] of Object.entries(c) as [SecretKind, number][]) out[k] = (out[k] ?? 0) + v;
  return out;
}
