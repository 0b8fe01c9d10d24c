// Account settings: a jsonb grab-bag stored lazily; reads merge stored values over the defaults.
import { z } from 'zod';
import type { Tx } from '../db/database.js';
import { patternProblem } from './redaction/account.js';
import { isIanaTimeZone } from './time-zone.js';

// Account patterns run on RE2 (linear time); a pattern it cannot compile is refused with the reason.
const regexSource = z
  .string()
  .min(1)
  .max(500)
  .superRefine((src, ctx) => {
    const problem = patternProblem(src);
    if (problem) ctx.addIssue({ code: 'custom', message: `pattern ${JSON.stringify(src)} ${problem}` });
  });

/** Every settable preference; PUT bodies are a deep-partial of this, unknown keys are refused. */
export const preferencesSchema = z
  .object({
    noteFormat: z.enum(['text', 'markdown', 'html']),
    noteDefaults: z.object({ internal: z.boolean(), resolution: z.boolean(), processNotifications: z.boolean() }).strict(),
    redaction: z.object({ patterns: z.array(regexSource).max(50), words: z.array(z.string().min(1).max(200)).max(200) }).strict(),
    ai: z.object({ fastModel: z.string().min(1).max(100), deepModel: z.string().min(1).max(100) }).strict(),
    /** requirePreview: the first model call on a ticket waits until an engineer opened its outbound preview. */
    privacy: z.object({ requirePreview: z.boolean() }).strict(),
    // The automatic flywheel: a pass after every N resolved sessions and every H hours (0 turns either off).
    flywheel: z.object({ afterResolvedSessions: z.number().int().min(0).max(1000), everyHours: z.number().int().min(0).max(24 * 30) }).strict(),
    /** A confirmed client-memory fact is shown and used for this long unless confirmed again. */
    clientMemory: z.object({ expiryDays: z.number().int().min(1).max(3650) }).strict(),
    /** Notes are written in this IANA zone; null: the ConnectWise server's zone (from the connection test), else UTC. */
    timeZone: z.string().max(64).refine(isIanaTimeZone, 'must be an IANA time zone name such as America/New_York').nullable(),
  })
  .strict();

export type Preferences = z.infer<typeof preferencesSchema>;

export const DEFAULT_PREFERENCES: Preferences = {
  noteFormat: 'text',
  noteDefaults: { internal: true, resolution: false, processNotifications: false },
  redaction: { patterns: [], words: [] },
  ai: { fastModel: 'claude-haiku-4-5', deepModel: 'claude-sonnet-4-6' },
  privacy: { requirePreview: false },
  flywheel: { afterResolvedSessions: 10, everyHours: 24 },
  clientMemory: { expiryDays: 180 },
  timeZone: null,
};

export const preferencesPatchSchema = z
  .object({
    noteFormat: preferencesSchema.shape.noteFormat.optional(),
    noteDefaults: preferencesSchema.shape.noteDefaults.partial().strict().optional(),
    redaction: preferencesSchema.shape.redaction.partial().strict().optional(),
    ai: preferencesSchema.shape.ai.partial().strict().optional(),
    privacy: preferencesSchema.shape.privacy.partial().strict().optional(),
    flywheel: preferencesSchema.shape.flywheel.partial().strict().optional(),
    clientMemory: preferencesSchema.shape.clientMemory.partial().strict().optional(),
    timeZone: preferencesSchema.shape.timeZone.optional(),
  })
  .strict();
export type PreferencesPatch = z.infer<typeof preferencesPatchSchema>;

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

export function deepMerge<T>(base: T, over: unknown): T {
  if (!isPlain(base) || !isPlain(over)) return (over === undefined ? base : over) as T;
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(over)) if (v !== undefined) out[k] = k in base ? deepMerge(base[k], v) : v;
  return out as T;
}

/** Stored values over defaults; a stored value that no longer validates falls back to its default. */
export function mergeWithDefaults(stored: unknown): Preferences {
  const merged = deepMerge(DEFAULT_PREFERENCES, isPlain(stored) ? stored : {});
  // A pattern stored before patterns had to compile on RE2 is dropped, not the whole settings object.
  const red = (merged as Plain).redaction;
  if (isPlain(red) && Array.isArray(red.patterns)) red.patterns = red.patterns.filter((p) => typeof p === 'string' && !patternProblem(p));
  const ok = preferencesSchema.safeParse(merged);
  return ok.success ? ok.data : DEFAULT_PREFERENCES;
}

export async function readPreferences(tx: Tx): Promise<Preferences> {
  const [row] = await tx<[{ preferences: unknown }?]>`select preferences from account_settings`;
  return mergeWithDefaults(row?.preferences);
}

/** Creates the row on first write; concurrent writers merge in turn thanks to the row lock. */
export async function writePreferences(tx: Tx, accountId: string, userId: string, patch: PreferencesPatch): Promise<Preferences> {
  await tx`insert into account_settings (account_id) values (${accountId}) on conflict (account_id) do nothing`;
  const [row] = await tx<[{ preferences: unknown }]>`select preferences from account_settings where account_id = ${accountId} for update`;
  const next = deepMerge(isPlain(row.preferences) ? row.preferences : {}, patch);
  await tx`update account_settings set preferences = ${tx.json(next as never)}, updated_at = now(), updated_by = ${userId}
           where account_id = ${accountId}`;
  return mergeWithDefaults(next);
}
