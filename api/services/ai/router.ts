// The confidence-tiered router: decides per suggestion whether the offline copilot, the fast model or the deep model answers.
import type { Tier } from '../copilot/types.js';

/** What the router knows about the situation; gathered cheaply from the session and the offline answer. */
export interface Situation {
  /** A model key is configured. */
  modelAvailable: boolean;
  /** The engineer asked for a tier explicitly ("think harder" → deep, "quick" → offline). */
  requestedTier?: Tier;
  /** The session follows a flow. */
  hasFlow: boolean;
  /** Kind and option count of the current node, when the session stands on one. */
  currentNode?: { kind: string; options: number } | null;
  /** The flow was walked to its end (or left) but the session is still open. */
  flowEnded: boolean;
  /** Free-text events (notes, observations, commands) recorded since the last flow step. */
  eventsSinceLastStep: number;
  /** Steps recorded so far. */
  steps: number;
  /** Best full-text score of a starter/team flow for the ticket (0 = none, 1 = excellent); only used without a flow. */
  bestFlowMatch: number;
  /** Active facts. */
  facts: number;
  /** Facts that contradict one another (e.g. "VPN connects" and "VPN does not connect"). */
  contradictions: number;
  /** Escalation signals: the engineer is escalating, the flow reached an escalate node, or priority is critical. */
  escalation: boolean;
  /** How much the ticket says: words of summary + description. */
  ticketWords: number;
  /** Distinct symptom areas the ticket mentions (mail, network, printing …). */
  symptomAreas: number;
  /** The offline copilot's own confidence in its answer (0–1). */
  offlineConfidence: number;
}

/**
 * The complexity at or above which the fast model, and the deep one, answer. `fast` is tuned on the
 * eval set (eval/README.md: 0.25 → 0.3, routing agreement 56% → 69% of 48 tickets); `deep` is not:
 * the set holds one deep ticket, and only two tickets of one category argue for raising it.
 */
export const TIER_THRESHOLDS = { fast: 0.3, deep: 0.65 } as const;
export type TierThresholds = { fast: number; deep: number };

export const tierFor = (complexity: number, t: TierThresholds = TIER_THRESHOLDS): Tier => (complexity < t.fast ? 'offline' : complexity < t.deep ? 'fast' : 'deep');

export interface RouteDecision {
  tier: Tier;
  /** 0 (trivial) … 1 (hard): how much reasoning the situation needs. */
  complexity: number;
  reasons: string[];
}

/**
 * Scores the situation, then maps it to a tier. Hard rules first (no key; explicit request;
 * escalation; contradictions), then a complexity score: an obvious next step on a flow stays
 * offline, moderate uncertainty goes to the fast model, ambiguity or no matching flow to the deep one.
 */
export function routeSuggestion(s: Situation): RouteDecision {
  const reasons: string[] = [];
  if (!s.modelAvailable) return { tier: 'offline', complexity: 0, reasons: ['no model key is configured'] };
  if (s.requestedTier) return { tier: s.requestedTier, complexity: s.requestedTier === 'deep' ? 1 : 0, reasons: [`the engineer asked for ${s.requestedTier}`] };
  if (s.escalation) return { tier: 'deep', complexity: 1, reasons: ['the session is heading for escalation'] };
  if (s.contradictions > 0) return { tier: 'deep', complexity: 0.9, reasons: [`${s.contradictions} contradictory fact(s)`] };

  let complexity = 0;
  const add = (w: number, why: string) => {
    complexity += w;
    reasons.push(why);
  };

  const onNode = s.hasFlow && s.currentNode && !s.flowEnded;
  if (onNode) {
    const node = s.currentNode!;
    // A flow node with clear options is the flow's job: the next step is obvious.
    if (node.options > 0 && (node.kind === 'question' || node.kind === 'check' || node.kind === 'action' || node.kind === 'info')) {
      add(0, `the current ${node.kind} step has ${node.options} clear option(s)`);
    } else if (node.kind === 'solution') add(0.3, 'the flow reached a solution: the fix needs writing up');
    else add(0.35, `the current ${node.kind} step offers no clear way on`);
    // Notes typed beside the flow mean the engineer sees something the flow did not foresee.
    if (s.eventsSinceLastStep >= 3) add(0.45, `${s.eventsSinceLastStep} notes since the last step: the flow may not fit`);
    else if (s.eventsSinceLastStep > 0) add(0.15, 'notes since the last step');
  } else if (s.hasFlow && s.flowEnded) {
    add(0.4, 'the flow ended but the session is still open');
    if (s.facts === 0) add(0.1, 'no facts recorded yet');
  } else {
    // No flow: is there an obvious one to start?
    if (s.bestFlowMatch >= 0.6) add(0.1, 'a flow matches the ticket well');
    else if (s.bestFlowMatch >= 0.25) add(0.35, 'only a partial flow match');
    else add(0.7, 'no flow matches the ticket');
  }

  // How the ticket reads matters less once a flow is guiding the engineer step by step.
  const t = onNode ? 0.5 : 1;
  if (s.ticketWords < 6) add(0.2 * t, 'the ticket says very little');
  if (s.symptomAreas >= 3) add(0.35 * t, `the ticket mixes ${s.symptomAreas} symptom areas`);
  else if (s.symptomAreas === 2) add(0.15 * t, 'the ticket mixes two symptom areas');
  if (s.steps >= 10) add(0.3, `${s.steps} steps without a resolution`);
  if (s.offlineConfidence >= 0.8) add(-0.2, 'the offline copilot is confident');
  else if (s.offlineConfidence < 0.3) add(0.1, 'the offline copilot is unsure');

  complexity = Math.max(0, Math.min(1, complexity));
  const rounded = Math.round(complexity * 100) / 100;
  return { tier: tierFor(rounded), complexity: rounded, reasons };
}

const NEGATION = /\b(not|no|never|cannot|can't|doesn't|does not|isn't|is not|won't|didn't|fails?|failed|unable)\b/gi;
const STOP = new Set(['the', 'a', 'an', 'to', 'on', 'in', 'of', 'and', 'is', 'are', 'it', 'for', 'with', 'at', 'be', 'from', 'this', 'that']);

const contentWords = (t: string) =>
  new Set(
    t
      .toLowerCase()
      .replace(NEGATION, ' ')
      .replace(/n't\b/g, ' ')
      .match(/[a-z0-9][a-z0-9.-]*/g)
      ?.filter((w) => !STOP.has(w)) ?? [],
  );

/** Pairs of facts that say the same thing with opposite polarity ("VPN connects" / "VPN does not connect"). */
export function countContradictions(facts: string[]): number {
  const items = facts.map((t) => ({ words: contentWords(t), negated: (t.match(NEGATION)?.length ?? 0) + (/n't\b/i.test(t) ? 1 : 0) > 0 }));
  let n = 0;
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i]!;
      const b = items[j]!;
      if (a.negated === b.negated || a.words.size === 0 || b.words.size === 0) continue;
      const shared = [...a.words].filter((w) => b.words.has(w) || b.words.has(w.replace(/s$/, '')) || b.words.has(w + 's')).length;
      if (shared / Math.min(a.words.size, b.words.size) >= 0.6) n++;
    }
  }
  return n;
}

const AREAS: Record<string, RegExp> = {
  mail: /\b(outlook|e-?mail|mailbox|exchange|inbox|owa|smtp)\b/i,
  network: /\b(vpn|network|wi-?fi|dns|internet|dhcp|firewall|gateway|ping)\b/i,
  print: /\b(print(er|ing)?|spooler|scanner|toner)\b/i,
  identity: /\b(password|lock(ed)?\s?out|mfa|sign-?in|login|account|authenticator)\b/i,
  storage: /\b(disk|drive|share|onedrive|sharepoint|folder|storage)\b/i,
  performance: /\b(slow|freez(e|es|ing)|hang(s|ing)?|crash(es|ing)?|cpu|memory)\b/i,
  hardware: /\b(monitor|keyboard|mouse|laptop|dock|battery|screen)\b/i,
};

export function symptomAreas(text: string): number {
  return Object.values(AREAS).filter((re) => re.test(text)).length;
}
