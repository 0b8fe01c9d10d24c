// Recommends flows for a ticket: the API's search wants every word to match, so ask per distinctive word and rank by hits.
import type { FlowSummary } from './api-types';
import type { CallApi } from './protocol';

const STOP = new Set(
  'after again also because before being from have into keeps more need needs only other over same some than that their them then there these they this when where which while will with within without does doesnt cannot every user users'.split(
    ' ',
  ),
);

/** Up to `max` distinctive words of a ticket summary (no numbers, no stop words, longest first). */
export function keywords(summary: string, max = 4): string[] {
  const words = summary
    .toLowerCase()
    .replace(/\[[^\]]*\]/g, ' ')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 4 && !/^\d+$/.test(w) && !STOP.has(w));
  return [...new Set(words)].sort((a, b) => b.length - a.length).slice(0, max);
}

export async function recommendFlows(call: CallApi, summary: string | undefined, limit = 3): Promise<FlowSummary[]> {
  const words = summary ? keywords(summary) : [];
  if (!words.length) return [];
  const results = await Promise.all(words.map((q) => call('searchFlows', { q })));
  const score = new Map<string, { flow: FlowSummary; hits: number }>();
  for (const r of results) {
    if (!r.ok) continue;
    for (const flow of r.data.flows) {
      const s = score.get(flow.id) ?? { flow, hits: 0 };
      s.hits++;
      score.set(flow.id, s);
    }
  }
  return [...score.values()]
    .sort((a, b) => b.hits - a.hits || a.flow.title.localeCompare(b.flow.title))
    .slice(0, limit)
    .map((s) => s.flow);
}
