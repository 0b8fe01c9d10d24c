// Everything bound for a model or Voyage goes through one redactor: the engine's, with the account's own rules.
import { redactText, rulesFromPreferences } from '../redaction/index.js';
import type { Preferences } from '../settings.js';

export type Redact = (text: string) => string;

export function redactorFor(prefs: Pick<Preferences, 'redaction'>): Redact {
  const rules = rulesFromPreferences(prefs);
  return (text) => redactText(text, rules);
}

/** Redacts every string inside a JSON-like value (for bodies assembled from many fields). */
export function redactDeep<T>(value: T, redact: Redact): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, redact)])) as T;
  }
  return value;
}
