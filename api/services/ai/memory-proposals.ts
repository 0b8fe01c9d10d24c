// Client-memory proposals from a resolved session: by a model when one is configured (a tool call, validated), by rules otherwise or on any failure.
import { z } from 'zod';
import type { Tx } from '../../db/database.js';
import type { Logger } from '../../lib/log.js';
import { MEMORY_KINDS, ruleProposals, sessionEvidence, storeProposals, type MemoryRow, type ProposedMemory } from '../client-memory.js';
import { readPreferences } from '../settings.js';
import { DATA_RULE, fenceData } from './fence.js';
import { redactorFor } from './privacy.js';
import { trimText } from './prompt.js';
import { LlmError, type LlmProvider, type LlmTool } from './types.js';
import { recordUsage, zeroUsage } from './usage.js';

export const MEMORY_TOOL = 'propose_client_facts';

const proposalSchema = z.object({
  facts: z
    .array(z.object({ kind: z.enum(MEMORY_KINDS), text: z.string().trim().min(8).max(300) }).strict())
    .max(8),
});

const memoryTool: LlmTool = {
  name: MEMORY_TOOL,
  description: 'Propose durable facts about the customer company worth remembering for its next tickets.',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['facts'],
    properties: {
      facts: {
        type: 'array',
        maxItems: 8,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'text'],
          properties: {
            kind: { type: 'string', enum: [...MEMORY_KINDS] },
            text: { type: 'string', minLength: 8, maxLength: 300, description: 'One self-contained fact, e.g. "Firewall: FortiGate 60F at the head office".' },
          },
        },
      },
    },
  },
};

const SYSTEM = `You read a resolved MSP service ticket and propose facts about the customer company that will still be true and useful on its next tickets: its firewall and VPN, its mail platform, its backup product, its quirks, and its contacts' stated preferences.
Only facts stated in the text; nothing about this one incident (symptoms, what was tried, times). At most 8, each one short sentence starting with its topic ("Firewall: …"). None when nothing qualifies.
Answer only by calling ${MEMORY_TOOL}.
${DATA_RULE}`;

export interface ProposeParams {
  llm?: LlmProvider;
  log: Logger;
  accountId: string;
  userId: string;
  sessionId: string;
  tenant: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;
}

export interface ProposeResult {
  origin: 'rule' | 'model';
  /** New proposals (facts the company already has are not proposed again). */
  proposed: MemoryRow[];
  fallbackReason: string | null;
}

/**
 * Reads the session (one short transaction), asks the model with none held, stores the proposals with
 * the session as provenance. A model failure or an invalid answer falls back to the rules.
 */
export async function proposeClientMemory(p: ProposeParams): Promise<ProposeResult> {
  const started = performance.now();
  const { session, texts, redact, fastModel } = await p.tenant(async (tx) => {
    const ev = await sessionEvidence(tx, p.sessionId);
    const prefs = await readPreferences(tx);
    return { ...ev, redact: redactorFor(prefs), fastModel: prefs.ai.fastModel };
  });
  let proposals: ProposedMemory[] | null = null;
  let fallbackReason: string | null = null;
  let usage = zeroUsage();
  let attempts = 0;
  let model: string | null = null;
  if (p.llm) {
    try {
      const res = await p.llm.complete(
        {
          model: fastModel,
          system: [{ text: SYSTEM }],
          tools: [memoryTool],
          toolChoice: { type: 'tool', name: MEMORY_TOOL },
          maxTokens: 800,
          temperature: 0,
          messages: [{ role: 'user', content: [{ type: 'text', text: `Company: ${redact(session.ticket_company ?? '')}\n\n${fenceData(trimText(redact(texts.join('\n')), 3000))}` }] }],
        },
        { timeoutMs: 20_000, signal: AbortSignal.timeout(40_000) },
      );
      usage = res.usage;
      attempts = res.attempts;
      model = res.model;
      const parsed = proposalSchema.safeParse(res.toolCalls.find((t) => t.name === MEMORY_TOOL)?.input);
      if (parsed.success) proposals = parsed.data.facts.map((f) => ({ kind: f.kind, text: redact(f.text) }));
      else fallbackReason = 'invalid_output: the proposal did not match the schema';
    } catch (err) {
      const e = err instanceof LlmError ? err : new LlmError('network', err instanceof Error ? err.message : String(err));
      attempts = e.attempts;
      fallbackReason = `${e.kind}: ${e.message}`.slice(0, 300);
      p.log.warn('client memory fell back to rules', { kind: e.kind, status: e.status });
    }
  }
  const origin = proposals ? 'model' : 'rule';
  const chosen = proposals ?? ruleProposals(texts);
  const proposed = await p.tenant(async (tx) => {
    const rows = await storeProposals(tx, p.accountId, session, chosen, origin);
    if (p.llm) {
      await recordUsage(tx, {
        accountId: p.accountId,
        userId: p.userId,
        sessionId: session.id,
        feature: 'client_memory',
        tier: proposals ? 'fast' : 'offline',
        routedTier: 'fast',
        provider: 'anthropic',
        model,
        outcome: proposals ? 'ok' : 'fallback',
        fallbackReason,
        usage,
        attempts,
        latencyMs: performance.now() - started,
      });
    }
    return rows;
  });
  return { origin, proposed, fallbackReason };
}
