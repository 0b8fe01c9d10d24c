// What leaves for a model: labelled fields (untrusted ones fenced), one forced tool call, usage recorded, and the privacy gate.
import { issueLines } from '../../lib/zod-issues.js';
import type { z } from 'zod';
import type { Tx } from '../../db/database.js';
import type { Deps } from '../../deps.js';
import { conflict } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import type { Tier } from '../copilot/types.js';
import type { Preferences } from '../settings.js';
import { DATA_RULE, fenceData } from './fence.js';
import { LlmError, type LlmProvider, type LlmTool, type LlmUsage } from './types.js';
import { recordUsage, zeroUsage, type UsageRecord } from './usage.js';

export const PURPOSES = ['suggest', 'summary', 'reply', 'briefing', 'embed', 'ask'] as const;
export type Purpose = (typeof PURPOSES)[number];

/** One field of an outbound request, already redacted; `untrusted` fields are fenced as data. */
export interface OutboundField {
  name: string;
  value: string;
  untrusted: boolean;
}

/** A model request as fields: the preview shows these, the call sends exactly these. */
export interface ModelPayload {
  system: string;
  fields: OutboundField[];
  tool: LlmTool;
}

export const field = (name: string, value: string | null | undefined, untrusted = true): OutboundField[] =>
  value && value.trim() ? [{ name, value: value.trim(), untrusted }] : [];

/** The user message: every field labelled by name, ticket and note text fenced (see fence.ts). */
export function userText(fields: OutboundField[]): string {
  return fields.map((f) => `${f.name}:\n${f.untrusted ? fenceData(f.value) : f.value}`).join('\n\n');
}

/** Every system prompt that carries ticket text ends with the data rule. */
export const withDataRule = (instructions: string) => `${instructions}\n- ${DATA_RULE}`;

/** What every one-shot writing job on a session (summary, reply, briefing) is called with. */
export interface SessionJobParams {
  deps: Deps;
  who: { accountId: string; userId: string };
  sessionId: string;
  tenant: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** The single strict tool a job answers through: every property is required, nothing else is allowed. */
export const reportTool = (name: string, description: string, properties: Record<string, unknown>): LlmTool => ({
  name,
  description,
  strict: true,
  inputSchema: { type: 'object', additionalProperties: false, properties, required: Object.keys(properties) },
});

export interface ToolAnswer<T> {
  value: T | null;
  /** Why the model's answer was not used (provider error, invalid output), or null. */
  failure: string | null;
  usage: LlmUsage;
  attempts: number;
  model: string;
  latencyMs: number;
  aborted: boolean;
}

/**
 * One forced tool call, checked with zod. No repair round: every feature here has an offline answer,
 * which is cheaper for the engineer than paying for a second call.
 */
export async function askModel<T>(
  llm: LlmProvider,
  p: { model: string; payload: ModelPayload; schema: z.ZodType<T>; maxTokens: number; timeoutMs: number; signal?: AbortSignal },
): Promise<ToolAnswer<T>> {
  const started = performance.now();
  const deadline = AbortSignal.timeout(p.timeoutMs * 2);
  const signal = p.signal ? AbortSignal.any([p.signal, deadline]) : deadline;
  try {
    const res = await llm.complete(
      {
        model: p.model,
        system: [{ text: p.payload.system, cache: true }],
        tools: [p.payload.tool],
        toolChoice: { type: 'tool', name: p.payload.tool.name },
        maxTokens: p.maxTokens,
        temperature: 0.2,
        messages: [{ role: 'user', content: [{ type: 'text', text: userText(p.payload.fields) }] }],
      },
      { signal, timeoutMs: p.timeoutMs },
    );
    const call = res.toolCalls.find((t) => t.name === p.payload.tool.name);
    const parsed = p.schema.safeParse(call?.input);
    const base = { usage: res.usage, attempts: res.attempts, model: res.model || p.model, latencyMs: performance.now() - started, aborted: false };
    if (parsed.success) return { ...base, value: parsed.data, failure: null };
    const issues = call ? issueLines(parsed.error.issues, { max: 3, root: '(root)' }) : [`no ${p.payload.tool.name} call`];
    return { ...base, value: null, failure: `invalid_output: ${issues.join('; ')}` };
  } catch (err) {
    const e = err instanceof LlmError ? err : new LlmError('network', err instanceof Error ? err.message : String(err));
    const aborted = e.kind === 'aborted' && !!p.signal?.aborted;
    const kind = e.kind === 'aborted' && !aborted ? 'timeout' : e.kind;
    return { value: null, failure: `${kind}: ${e.message}`.slice(0, 300), usage: zeroUsage(), attempts: e.attempts, model: p.model, latencyMs: performance.now() - started, aborted };
  }
}

/** The usage row of a model feature call: the tier that answered, the tokens paid even when the answer was not used. */
export function usageOf<T>(
  who: { accountId: string; userId: string; sessionId: string },
  feature: UsageRecord['feature'],
  routed: Tier,
  answer: ToolAnswer<T> | null,
  latencyMs: number,
): UsageRecord {
  if (!answer) return { ...who, feature, tier: 'offline', routedTier: 'offline', provider: 'offline', model: null, outcome: 'ok', usage: zeroUsage(), attempts: 0, latencyMs };
  return {
    ...who,
    feature,
    tier: answer.value ? routed : 'offline',
    routedTier: routed,
    provider: 'anthropic',
    model: answer.model,
    outcome: answer.value ? 'ok' : answer.aborted ? 'aborted' : 'fallback',
    fallbackReason: answer.failure,
    usage: answer.usage,
    attempts: answer.attempts,
    latencyMs,
  };
}

export async function recordQuietly(tx: Tx, log: Logger, r: UsageRecord): Promise<void> {
  await recordUsage(tx, r).catch((err: unknown) => log.error('usage not recorded', { error: err instanceof Error ? err.message : String(err) }));
}

/** Records that an engineer opened the outbound preview of one kind of call on a session (it opens that call's gate). */
export async function recordPreviewOpened(tx: Tx, accountId: string, sessionId: string, purpose: Purpose, userId: string): Promise<void> {
  await tx`insert into session_outbound_previews (account_id, session_id, purpose, opened_by)
           values (${accountId}, ${sessionId}, ${purpose}, ${userId})
           on conflict (session_id, purpose) do update set opened_at = now(), opened_by = excluded.opened_by`;
}

/**
 * With `privacy.requirePreview`, a model call on a ticket waits until an engineer has looked at what
 * that kind of call would leave with: a 409 the panel answers by opening GET …/outbound-preview. Per
 * kind, since each sends different fields (a look at the summary's says nothing of a question's).
 */
export async function assertPreviewed(tx: Tx, prefs: Pick<Preferences, 'privacy'>, sessionId: string, purpose: Purpose): Promise<void> {
  if (!prefs.privacy.requirePreview) return;
  const [seen] = await tx<[{ n: number }?]>`select 1 as n from session_outbound_previews where session_id = ${sessionId} and purpose = ${purpose}`;
  if (!seen) {
    throw conflict(
      `Your account requires a look at what is sent to the model before the first call on this ticket: open GET /v1/sessions/${sessionId}/outbound-preview?purpose=${purpose}, then try again.`,
      'outbound_preview_required',
    );
  }
}
