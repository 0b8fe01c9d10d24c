// zod issues as the lines our errors show.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { issueLines } from './zod-issues.js';

const schema = z.object({ name: z.string(), nodes: z.array(z.object({ id: z.string() })) }).refine(() => false, 'never valid');
const issuesOf = (input: unknown) => schema.safeParse(input).error!.issues;

describe('issueLines', () => {
  it('names each field by its path, and caps the list', () => {
    const issues = issuesOf({ name: 1, nodes: [{ id: 2 }, { id: 3 }] });
    expect(issueLines(issues)).toEqual(['name: Invalid input: expected string, received number', 'nodes.0.id: Invalid input: expected string, received number', 'nodes.1.id: Invalid input: expected string, received number']);
    expect(issueLines(issues, { max: 1 })).toHaveLength(1);
    expect(issueLines(issues, { prefix: 'graph.' })[1]).toBe('graph.nodes.0.id: Invalid input: expected string, received number');
  });

  it('an issue about the whole value is its message, or names the root when asked', () => {
    const issues = issuesOf({ name: 'x', nodes: [] });
    expect(issueLines(issues)).toEqual(['never valid']);
    expect(issueLines(issues, { root: 'body' })).toEqual(['body: never valid']);
  });
});
