// Usage recording for model and embedding calls, what they cost, and the per-month summary behind GET /v1/usage.
import type { Tx } from '../../db/database.js';
import type { Tier } from '../copilot/types.js';
import type { LlmUsage } from './types.js';

/**
 * USD per million tokens, from the published prices of the models we knew (Claude 4.x, Voyage 3.5).
 * A model not listed is charged like the nearest family (an estimate: keep this table current).
 * Cache writes cost 1.25× input, cache reads 0.1× input (Anthropic's published multipliers).
 */
const PRICES: { match: RegExp; input: number; output: number }[] = [
  { match: /haiku-3(?!-5)/, input: 0.25, output: 1.25 },
  { match: /haiku/, input: 1, output: 5 },
  { match: /opus-4-[5-9]|opus-[5-9]/, input: 5, output: 25 },
  { match: /opus/, input: 15, output: 75 },
  { match: /sonnet/, input: 3, output: 15 },
  { match: /^voyage-3\.5-lite|^voyage-3-lite/, input: 0.02, output: 0 },
  { match: /^voyage/, input: 0.06, output: 0 },
];
const FALLBACK_PRICE = { input: 3, output: 15 };

export function costUsd(model: string | null, u: LlmUsage): number {
  if (!model) return 0;
  const p = PRICES.find((x) => x.match.test(model)) ?? FALLBACK_PRICE;
  const dollars =
    (u.inputTokens * p.input + u.cacheCreationInputTokens * p.input * 1.25 + u.cacheReadInputTokens * p.input * 0.1 + u.outputTokens * p.output) /
    1_000_000;
  return Math.round(dollars * 1_000_000) / 1_000_000;
}

export const addUsage = (a: LlmUsage, b: LlmUsage): LlmUsage => ({
  inputTokens: a.inputTokens + b.inputTokens,
  outputTokens: a.outputTokens + b.outputTokens,
  cacheCreationInputTokens: a.cacheCreationInputTokens + b.cacheCreationInputTokens,
  cacheReadInputTokens: a.cacheReadInputTokens + b.cacheReadInputTokens,
});
export const zeroUsage = (): LlmUsage => ({ inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 });

export interface UsageRecord {
  accountId: string;
  userId?: string | null;
  sessionId?: string | null;
  feature: 'suggest' | 'flow_builder' | 'flywheel' | 'embedding' | 'search' | 'summary' | 'customer_reply' | 'briefing' | 'ask' | 'client_memory';
  tier: Tier | null;
  routedTier: Tier | null;
  provider: 'offline' | 'anthropic' | 'voyage';
  model: string | null;
  outcome: 'ok' | 'repaired' | 'fallback' | 'aborted' | 'error';
  fallbackReason?: string | null;
  usage: LlmUsage;
  attempts: number;
  latencyMs: number;
}

/** Who a routed chat call was billed to: nobody when the router kept it offline, else Anthropic's model. */
export function chatProvider(routedTier: Tier, model: string | null): Pick<UsageRecord, 'provider' | 'model'> {
  return routedTier === 'offline' ? { provider: 'offline', model: null } : { provider: 'anthropic', model };
}

export async function recordUsage(tx: Tx, r: UsageRecord): Promise<void> {
  // The cost follows the model actually billed: a fallback after a failed call still paid for its tokens.
  const cost = r.provider === 'offline' ? 0 : costUsd(r.model, r.usage);
  await tx`
    insert into ai_usage (account_id, user_id, session_id, feature, tier, routed_tier, provider, model, outcome, fallback_reason,
      input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens, attempts, latency_ms, cost_usd)
    values (${r.accountId}, ${r.userId ?? null}, ${r.sessionId ?? null}, ${r.feature}, ${r.tier}, ${r.routedTier}, ${r.provider},
      ${r.model}, ${r.outcome}, ${r.fallbackReason ?? null}, ${r.usage.inputTokens}, ${r.usage.outputTokens},
      ${r.usage.cacheCreationInputTokens}, ${r.usage.cacheReadInputTokens}, ${r.attempts}, ${Math.round(r.latencyMs)}, ${cost})`;
}

export interface UsageSummaryRow {
  month: string;
  feature: string;
  tier: string | null;
  model: string | null;
  calls: number;
  fallbacks: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
  costUsd: number;
  avgLatencyMs: number;
}

/** Sums the account's usage per calendar month (UTC), feature, tier and model; newest month first. */
export async function usageSummary(tx: Tx, opts: { from?: string; to?: string } = {}) {
  const rows = await tx<
    {
      month: string;
      feature: string;
      tier: string | null;
      model: string | null;
      calls: string;
      fallbacks: string;
      input_tokens: string;
      output_tokens: string;
      cache_creation_input_tokens: string;
      cache_read_input_tokens: string;
      cost_usd: string;
      avg_latency_ms: string;
    }[]
  >`
    select to_char(date_trunc('month', created_at at time zone 'UTC'), 'YYYY-MM') as month, feature, tier, model,
      count(*) as calls, count(*) filter (where outcome = 'fallback') as fallbacks,
      sum(input_tokens) as input_tokens, sum(output_tokens) as output_tokens,
      sum(cache_creation_input_tokens) as cache_creation_input_tokens, sum(cache_read_input_tokens) as cache_read_input_tokens,
      sum(cost_usd) as cost_usd, round(avg(latency_ms)) as avg_latency_ms
    from ai_usage
    where (${opts.from ?? null}::text is null or created_at >= to_date(${opts.from ?? null}, 'YYYY-MM'))
      and (${opts.to ?? null}::text is null or created_at < to_date(${opts.to ?? null}, 'YYYY-MM') + interval '1 month')
    group by 1, 2, 3, 4
    order by 1 desc, 2, 3, 4`;
  const lines: UsageSummaryRow[] = rows.map((r) => ({
    month: r.month,
    feature: r.feature,
    tier: r.tier,
    model: r.model,
    calls: Number(r.calls),
    fallbacks: Number(r.fallbacks),
    inputTokens: Number(r.input_tokens),
    outputTokens: Number(r.output_tokens),
    cacheCreationInputTokens: Number(r.cache_creation_input_tokens),
    cacheReadInputTokens: Number(r.cache_read_input_tokens),
    costUsd: Number(r.cost_usd),
    avgLatencyMs: Number(r.avg_latency_ms),
  }));
  const months = new Map<string, { month: string; calls: number; inputTokens: number; outputTokens: number; costUsd: number; byTier: Record<string, number>; lines: UsageSummaryRow[] }>();
  for (const l of lines) {
    const m = months.get(l.month) ?? { month: l.month, calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, byTier: {}, lines: [] };
    m.calls += l.calls;
    m.inputTokens += l.inputTokens + l.cacheCreationInputTokens + l.cacheReadInputTokens;
    m.outputTokens += l.outputTokens;
    m.costUsd = Math.round((m.costUsd + l.costUsd) * 1_000_000) / 1_000_000;
    if (l.tier) m.byTier[l.tier] = (m.byTier[l.tier] ?? 0) + l.calls;
    m.lines.push(l);
    months.set(l.month, m);
  }
  return [...months.values()];
}
