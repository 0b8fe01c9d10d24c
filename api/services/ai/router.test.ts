// The routing table: which tier answers in each situation an engineer runs into.
import { describe, expect, it } from 'vitest';
import { countContradictions, routeSuggestion, symptomAreas, type Situation } from './router.js';

const base: Situation = {
  modelAvailable: true,
  hasFlow: true,
  currentNode: { kind: 'question', options: 2 },
  flowEnded: false,
  eventsSinceLastStep: 0,
  steps: 2,
  bestFlowMatch: 0,
  facts: 1,
  contradictions: 0,
  escalation: false,
  ticketWords: 20,
  symptomAreas: 1,
  offlineConfidence: 0.7,
};

const noFlow: Partial<Situation> = { hasFlow: false, currentNode: null, steps: 0 };

const table: [string, Partial<Situation>, 'offline' | 'fast' | 'deep'][] = [
  ['no model key, even when hard', { modelAvailable: false, escalation: true, contradictions: 2 }, 'offline'],
  ['question node with two answers', {}, 'offline'],
  ['check node with options and a confident offline copilot', { currentNode: { kind: 'check', options: 3 }, offlineConfidence: 0.9 }, 'offline'],
  ['action node with one option', { currentNode: { kind: 'action', options: 1 } }, 'offline'],
  ['info node, one note typed beside the flow', { currentNode: { kind: 'info', options: 1 }, eventsSinceLastStep: 1 }, 'offline'],
  ['question node, many notes beside the flow', { eventsSinceLastStep: 4 }, 'fast'],
  ['flow reached a solution node', { currentNode: { kind: 'solution', options: 0 } }, 'fast'],
  ['flow ended while the session stays open', { currentNode: null, flowEnded: true }, 'fast'],
  ['flow ended, nothing known, vague ticket, mixed symptoms', { currentNode: null, flowEnded: true, facts: 0, ticketWords: 4, symptomAreas: 2 }, 'deep'],
  ['no flow, excellent flow match, confident', { ...noFlow, bestFlowMatch: 0.9, offlineConfidence: 0.85 }, 'offline'],
  ['no flow, good flow match', { ...noFlow, bestFlowMatch: 0.7 }, 'offline'],
  ['no flow, partial flow match', { ...noFlow, bestFlowMatch: 0.4 }, 'fast'],
  ['no flow, partial match, two symptom areas', { ...noFlow, bestFlowMatch: 0.4, symptomAreas: 2 }, 'fast'],
  ['no flow, partial match, three symptom areas', { ...noFlow, bestFlowMatch: 0.4, symptomAreas: 3 }, 'deep'],
  ['no flow matches at all', { ...noFlow, bestFlowMatch: 0 }, 'deep'],
  ['no flow matches, but the offline copilot is sure', { ...noFlow, bestFlowMatch: 0.1, offlineConfidence: 0.9 }, 'fast'],
  ['contradictory facts on an easy node', { contradictions: 1 }, 'deep'],
  ['escalation on an easy node', { escalation: true }, 'deep'],
  ['long session without resolution on an easy node', { steps: 12, eventsSinceLastStep: 1 }, 'fast'],
  ['long session, notes piling up', { steps: 12, eventsSinceLastStep: 3 }, 'deep'],
  ['engineer asks for deep on an easy node', { requestedTier: 'deep' }, 'deep'],
  ['engineer asks for offline on a hard case', { requestedTier: 'offline', escalation: true }, 'offline'],
  ['engineer asks for fast without a flow', { ...noFlow, requestedTier: 'fast' }, 'fast'],
  ['vague ticket on a question node', { ticketWords: 3 }, 'offline'],
  ['short two-area ticket on a question node', { ticketWords: 5, symptomAreas: 2 }, 'offline'],
  ['short two-area ticket without a flow, partial match', { ...noFlow, bestFlowMatch: 0.4, ticketWords: 5, symptomAreas: 2 }, 'deep'],
  ['terminal node offering no way on', { currentNode: { kind: 'check', options: 0 }, offlineConfidence: 0.2 }, 'fast'],
];

describe('routeSuggestion', () => {
  it.each(table)('%s → %s', (_name, over, tier) => {
    const d = routeSuggestion({ ...base, ...over });
    expect(d.tier, d.reasons.join('; ')).toBe(tier);
    expect(d.reasons.length).toBeGreaterThan(0);
    expect(d.complexity).toBeGreaterThanOrEqual(0);
    expect(d.complexity).toBeLessThanOrEqual(1);
  });

  it('has at least twenty situations and reaches every tier', () => {
    expect(table.length).toBeGreaterThanOrEqual(20);
    expect(new Set(table.map((t) => t[2]))).toEqual(new Set(['offline', 'fast', 'deep']));
  });
});

describe('situation features', () => {
  it('finds contradictory facts', () => {
    expect(countContradictions(['VPN connects from home', 'VPN does not connect from home'])).toBe(1);
    expect(countContradictions(["Outlook opens in safe mode", "Outlook doesn't open in safe mode", 'Printer is offline'])).toBe(1);
    expect(countContradictions(['VPN connects from home', 'Printer is offline'])).toBe(0);
    expect(countContradictions(['Error 0x800CCC0E', 'DNS resolves mail.contoso.com'])).toBe(0);
  });

  it('counts symptom areas', () => {
    expect(symptomAreas('Outlook keeps asking for a password')).toBe(2);
    expect(symptomAreas('Printer offline and VPN drops, laptop slow')).toBe(4);
    expect(symptomAreas('Something is wrong')).toBe(0);
  });
});
