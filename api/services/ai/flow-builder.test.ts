// The builder's stream reads nodes out of the model's growing tool JSON: only complete nodes, in order, at any cut,
// braces and quotes inside strings not confusing it, and garbage (a retried answer appended to a cut one) never throwing.
import { describe, expect, it } from 'vitest';
import { completeNodes } from './flow-builder.js';

const flow = {
  kind: 'troubleshooting',
  title: 'Printer {offline}',
  graph: {
    start: 'a',
    nodes: [
      { id: 'a', kind: 'question', title: 'Is the "Ready" light on? {yes/no}', options: [{ id: 'y', label: 'Yes ]', next: 'b' }, { id: 'n', label: 'No', next: 'c' }] },
      { id: 'b', kind: 'action', title: 'Print a test page \\ check the queue', options: [{ id: 'ok', label: 'Fixed', next: 'c' }] },
      { id: 'c', kind: 'solution', title: 'Done', options: [] },
    ],
  },
};
const json = JSON.stringify(flow);
const steps = flow.graph.nodes.map(({ id, kind, title }) => ({ id, kind, title }));

describe('completeNodes', () => {
  it('finds exactly the nodes complete so far, at every cut of the JSON', () => {
    const ends = steps.map((s) => json.indexOf('}]}', json.indexOf(`"id":"${s.id}"`)) + 3);
    ends[2] = json.indexOf('"options":[]}', json.indexOf('"id":"c"')) + '"options":[]}'.length;
    for (let cut = 0; cut <= json.length; cut++) {
      const want = steps.filter((_, i) => cut >= ends[i]!);
      expect(completeNodes(json.slice(0, cut))).toEqual(want);
    }
  });

  it('skips what does not parse and survives a restarted answer', () => {
    const cut = json.slice(0, json.indexOf('"id":"b"'));
    expect(completeNodes(cut + json)).toEqual([steps[0], ...steps]);
    expect(completeNodes('{"graph":{"nodes":[{"id":1,"kind":"x","title":"t"},{"title":"no id"},{"id":"ok","kind":"info","title":"Fine"}]}}')).toEqual([{ id: 'ok', kind: 'info', title: 'Fine' }]);
    expect(completeNodes('"nodes":[{"id":"x",}')).toEqual([]);
    expect(completeNodes('')).toEqual([]);
  });
});
