// What a copilot suggestion looks like, whichever tier produced it (offline rules, fast or deep model).
export type Tier = 'offline' | 'fast' | 'deep';

/** The original product's confidence bands, shown in the panel. */
export type ConfidenceBand = 'discovery' | 'exploring' | 'guided';
export const bandOf = (confidence: number): ConfidenceBand => (confidence < 0.4 ? 'discovery' : confidence < 0.8 ? 'exploring' : 'guided');

export interface SuggestedStep {
  nodeId?: string;
  title: string;
  options?: { id: string; label: string }[];
  why?: string;
}

export interface SuggestedFlow {
  id: string;
  title: string;
  kind: string;
  score: number;
  why: string;
}

export interface ProposedFact {
  text: string;
  /** 'ticket' or 'lane:<item id>' — where the fact was found. */
  sourceRef: string | null;
  why?: string;
}

export interface ProposedFix {
  title: string;
  body: string;
  confidence: number;
  why?: string;
}

export interface Suggestion {
  nextStep?: SuggestedStep | null;
  flows?: SuggestedFlow[];
  facts: ProposedFact[];
  fix?: ProposedFix | null;
  confidence: number;
  band: ConfidenceBand;
  rationale: string;
  tier: Tier;
  model: string | null;
}
