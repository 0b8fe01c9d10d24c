// Structured output: the suggestion tool's JSON schema, validation of what the model returned, and the repair prompt.
import { z } from 'zod';
import { issueLines } from '../../lib/zod-issues.js';
import type { LlmTool } from './types.js';

export const SUGGESTION_TOOL = 'propose_suggestion';

/** What the model must return; mirrored in JSON Schema for the tool, checked with zod on the way back. */
export const modelSuggestionSchema = z
  .object({
    nextStep: z
      .object({
        title: z.string().trim().min(1).max(300),
        why: z.string().max(1000).optional(),
        nodeId: z.string().max(80).nullish(),
        optionId: z.string().max(80).nullish(),
      })
      .nullish(),
    facts: z
      .array(
        z.object({
          text: z.string().trim().min(1).max(500),
          sourceRef: z.string().max(40).nullable(),
          why: z.string().max(500).optional(),
        }),
      )
      .max(12),
    fix: z
      .object({
        title: z.string().trim().min(1).max(300),
        body: z.string().max(8000),
        confidence: z.number().min(0).max(1).optional(),
      })
      .nullish(),
    confidence: z.number().min(0).max(1),
    rationale: z.string().trim().min(1).max(2000),
  })
  .strict();

export type ModelSuggestion = z.infer<typeof modelSuggestionSchema>;

export const suggestionTool: LlmTool = {
  name: SUGGESTION_TOOL,
  description:
    'Report your suggestion for the engineer working this ticket. Always call this tool exactly once; put every proposed fact with the reference of where it was found.',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      nextStep: {
        type: 'object',
        description: 'The single next thing the engineer should do or check. Omit if a fix is ready.',
        properties: {
          title: { type: 'string', description: 'Imperative, under 120 characters.' },
          why: { type: 'string' },
          nodeId: { type: ['string', 'null'], description: "The current flow node's id when the step is that node." },
          optionId: { type: ['string', 'null'], description: 'The option of that node you recommend, if any.' },
        },
        required: ['title'],
      },
      facts: {
        type: 'array',
        description: 'New facts about the problem, each pointing to where it came from.',
        items: {
          type: 'object',
          properties: {
            text: { type: 'string' },
            sourceRef: { type: ['string', 'null'], description: '"ticket", or "lane:<item id>" exactly as shown in the timeline, or null.' },
            why: { type: 'string' },
          },
          required: ['text', 'sourceRef'],
        },
      },
      fix: {
        type: 'object',
        description: 'A specific fix with steps to verify, only when you are fairly sure.',
        properties: { title: { type: 'string' }, body: { type: 'string' }, confidence: { type: 'number', minimum: 0, maximum: 1 } },
        required: ['title', 'body'],
      },
      confidence: { type: 'number', minimum: 0, maximum: 1, description: 'How sure you are of the diagnosis: <0.4 discovery, 0.4–0.8 exploring, ≥0.8 guided.' },
      rationale: { type: 'string', description: 'One or two sentences the engineer can read: why this step or fix.' },
    },
    required: ['facts', 'confidence', 'rationale'],
  },
  cache: true,
};

export type Validation<T> = { ok: true; value: T } | { ok: false; issues: string[] };

/**
 * Validates a tool call's input: the schema, then the rules the schema cannot say — facts must point
 * at the ticket or a timeline item that exists, and a node id must be the current node.
 */
export function validateModelSuggestion(input: unknown, ctx: { laneIds: Set<string>; currentNodeId: string | null }): Validation<ModelSuggestion> {
  if (input === undefined) return { ok: false, issues: [`you did not call the ${SUGGESTION_TOOL} tool`] };
  const parsed = modelSuggestionSchema.safeParse(input);
  const issues: string[] = parsed.success ? [] : issueLines(parsed.error.issues, { max: 8, root: '(root)' });
  // The reference rules are checked on the raw input too, so one repair round can fix everything at once.
  const raw = (input ?? {}) as { facts?: unknown; nextStep?: { nodeId?: unknown } | null };
  if (Array.isArray(raw.facts)) {
    raw.facts.forEach((f: unknown, i) => {
      const ref = (f as { sourceRef?: unknown } | null)?.sourceRef;
      if (typeof ref !== 'string' || ref === 'ticket') return;
      const m = /^lane:(li_[0-9a-f]{12})$/.exec(ref);
      if (!m || !ctx.laneIds.has(m[1]!)) issues.push(`facts.${i}.sourceRef: "${ref}" is not "ticket", null or a timeline item shown to you`);
    });
  }
  const nodeId = raw.nextStep?.nodeId;
  if (typeof nodeId === 'string' && nodeId && nodeId !== ctx.currentNodeId) issues.push(`nextStep.nodeId: "${nodeId}" is not the current node (${ctx.currentNodeId ?? 'none'})`);
  return parsed.success && issues.length === 0 ? { ok: true, value: parsed.data } : { ok: false, issues };
}

export function repairInstruction(issues: string[]): string {
  return `Your answer did not validate:\n${issues.map((i) => `- ${i}`).join('\n')}\nCall ${SUGGESTION_TOOL} again with a corrected answer. Keep what was right.`;
}
