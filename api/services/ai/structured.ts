// Structured output: the suggestion tool's JSON schema (every rule stated, per request), lenient validation of what the model returned, and the repair prompt.
import { z } from 'zod';
import { issueLines } from '../../lib/zod-issues.js';
import type { LlmTool } from './types.js';

export const SUGGESTION_TOOL = 'propose_suggestion';

/** The rules a suggestion must follow that depend on the session: stated in the tool schema and checked on the way back. */
export interface SuggestionRules {
  /** Timeline items the model was shown (a fact may cite `lane:<id>` for these only). */
  laneIds: Set<string>;
  /** The flow node the session stands on; null without a flow (or past its end). */
  currentNodeId: string | null;
  /** The current node's option ids. */
  optionIds?: string[];
}

const nextStepSchema = z.object({
  title: z.string().trim().min(1).max(300),
  why: z.string().max(1000).nullish(),
  nodeId: z.string().max(80).nullish(),
  optionId: z.string().max(80).nullish(),
});
const factSchema = z.object({
  text: z.string().trim().min(1).max(500),
  sourceRef: z.string().max(40).nullable(),
  why: z.string().max(500).nullish(),
});
const fixSchema = z.object({
  title: z.string().trim().min(1).max(300),
  body: z.string().max(8000),
  confidence: z.number().min(0).max(1).nullish(),
});
const confidenceSchema = z.number().min(0).max(1);
const rationaleSchema = z.string().trim().min(1).max(2000);

export interface ModelSuggestion {
  nextStep: z.infer<typeof nextStepSchema> | null;
  facts: z.infer<typeof factSchema>[];
  fix: z.infer<typeof fixSchema> | null;
  confidence: number;
  rationale: string;
}

const nullable = (schema: Record<string, unknown>) => ({ anyOf: [schema, { type: 'null' }] });

/**
 * The tool the model answers through, for this session: the valid node and option ids as enums (only
 * null when there is no current node), a fact's source as an enum of "ticket" and the timeline items
 * shown. Strict tool use (grammar-constrained sampling) needs every object closed and every property
 * required, so optional fields are nullable instead; numeric and length bounds live in descriptions,
 * which strict schemas do not support as keywords.
 */
export function suggestionToolFor(rules: SuggestionRules): LlmTool {
  const refs = ['ticket', ...[...rules.laneIds].map((id) => `lane:${id}`)];
  const nodeId = rules.currentNodeId
    ? { type: ['string', 'null'], enum: [rules.currentNodeId, null], description: `"${rules.currentNodeId}" (the current flow node) when the step is that node, else null.` }
    : { type: 'null', description: 'Always null: the session stands on no flow node.' };
  const options = rules.currentNodeId ? (rules.optionIds ?? []) : [];
  const optionId = options.length
    ? { type: ['string', 'null'], enum: [...options, null], description: "The current node's option you recommend, or null." }
    : { type: 'null', description: 'Always null: the current step has no options to choose.' };
  return {
    name: SUGGESTION_TOOL,
    description:
      'Report your suggestion for the engineer working this ticket. Always call this tool exactly once; put every proposed fact with the reference of where it was found.',
    strict: true,
    inputSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        nextStep: nullable({
          type: 'object',
          additionalProperties: false,
          description: 'The single next thing the engineer should do or check; null if a fix is ready.',
          properties: {
            title: { type: 'string', description: 'Imperative, 1–120 characters.' },
            why: { type: ['string', 'null'], description: 'Up to 1000 characters, or null.' },
            nodeId,
            optionId,
          },
          required: ['title', 'why', 'nodeId', 'optionId'],
        }),
        facts: {
          type: 'array',
          description: 'New facts about the problem (at most 12), each pointing to where it came from.',
          items: {
            type: 'object',
            additionalProperties: false,
            properties: {
              text: { type: 'string', description: '1–500 characters.' },
              sourceRef: { type: ['string', 'null'], enum: [...refs, null], description: '"ticket", a timeline item\'s reference exactly as shown, or null when inferred.' },
              why: { type: ['string', 'null'] },
            },
            required: ['text', 'sourceRef', 'why'],
          },
        },
        fix: nullable({
          type: 'object',
          additionalProperties: false,
          description: 'A specific fix with steps to verify, only when you are fairly sure; else null.',
          properties: {
            title: { type: 'string', description: '1–300 characters.' },
            body: { type: 'string', description: 'Up to 8000 characters.' },
            confidence: { type: ['number', 'null'], description: 'Between 0 and 1, or null to use the overall confidence.' },
          },
          required: ['title', 'body', 'confidence'],
        }),
        confidence: { type: 'number', description: 'Between 0 and 1: how sure you are of the diagnosis (<0.4 discovery, 0.4–0.8 exploring, ≥0.8 guided).' },
        rationale: { type: 'string', description: 'One or two sentences (1–2000 characters) the engineer can read: why this step or fix.' },
      },
      required: ['nextStep', 'facts', 'fix', 'confidence', 'rationale'],
    },
    cache: true,
  };
}

export type Validation<T> = { ok: true; value: T; dropped: string[] } | { ok: false; issues: string[] };

const issuesOf = (path: string, error: z.ZodError) => issueLines(error.issues, { max: 3, prefix: `${path}.`, root: path });

/**
 * Reads a tool call's input field by field. A field that breaks a rule (a node that is not the
 * current one, a fact citing an item the model was not shown, a malformed fix) is dropped and named
 * in `dropped`; the rest is kept. Only an answer without a usable confidence and rationale — nothing
 * the engineer could act on — fails (and gets one repair round).
 */
export function validateModelSuggestion(input: unknown, rules: SuggestionRules): Validation<ModelSuggestion> {
  if (input === undefined) return { ok: false, issues: [`you did not call the ${SUGGESTION_TOOL} tool`] };
  if (!input || typeof input !== 'object' || Array.isArray(input)) return { ok: false, issues: ['(root): expected an object'] };
  const raw = input as Record<string, unknown>;
  const dropped: string[] = [];

  let nextStep: ModelSuggestion['nextStep'] = null;
  if (raw.nextStep != null) {
    const p = nextStepSchema.safeParse(raw.nextStep);
    if (!p.success) dropped.push(...issuesOf('nextStep', p.error));
    else {
      nextStep = p.data;
      if (nextStep.nodeId && nextStep.nodeId !== rules.currentNodeId) {
        dropped.push(`nextStep.nodeId: "${nextStep.nodeId}" is not the current node (${rules.currentNodeId ?? 'none'})`);
        nextStep = { ...nextStep, nodeId: null, optionId: null };
      }
      if (nextStep.optionId && !(nextStep.nodeId && rules.optionIds?.includes(nextStep.optionId))) {
        dropped.push(`nextStep.optionId: "${nextStep.optionId}" is not an option of the current node`);
        nextStep = { ...nextStep, optionId: null };
      }
    }
  }

  const facts: ModelSuggestion['facts'] = [];
  if (raw.facts !== undefined && raw.facts !== null && !Array.isArray(raw.facts)) dropped.push('facts: expected an array');
  (Array.isArray(raw.facts) ? raw.facts : []).forEach((f: unknown, i) => {
    const p = factSchema.safeParse(f);
    if (!p.success) return void dropped.push(...issuesOf(`facts.${i}`, p.error));
    const ref = p.data.sourceRef;
    const lane = ref === null || ref === 'ticket' ? null : /^lane:(li_[0-9a-f]{12})$/.exec(ref);
    if (ref !== null && ref !== 'ticket' && !(lane && rules.laneIds.has(lane[1]!))) {
      return void dropped.push(`facts.${i}.sourceRef: "${ref}" is not "ticket", null or a timeline item shown to you`);
    }
    if (facts.length < 12) facts.push(p.data);
  });

  let fix: ModelSuggestion['fix'] = null;
  if (raw.fix != null) {
    const p = fixSchema.safeParse(raw.fix);
    if (p.success) fix = p.data;
    else dropped.push(...issuesOf('fix', p.error));
  }

  const confidence = confidenceSchema.safeParse(raw.confidence);
  const rationale = rationaleSchema.safeParse(raw.rationale);
  const core = [...(confidence.success ? [] : issuesOf('confidence', confidence.error)), ...(rationale.success ? [] : issuesOf('rationale', rationale.error))];
  if (core.length) return { ok: false, issues: [...core, ...dropped] };
  return { ok: true, value: { nextStep, facts, fix, confidence: confidence.data!, rationale: rationale.data! }, dropped };
}

export function repairInstruction(issues: string[]): string {
  return `Your answer did not validate:\n${issues.map((i) => `- ${i}`).join('\n')}\nCall ${SUGGESTION_TOOL} again with a corrected answer. Keep what was right.`;
}
