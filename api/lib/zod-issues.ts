// zod issues as short lines naming the field: for 400 answers, configuration errors and repair prompts.
import type { z } from 'zod';

export interface IssueFormat {
  /** How many issues to name (the rest are left off). */
  max?: number;
  /** Written before every path, e.g. "graph." for issues inside a nested value. */
  prefix?: string;
  /** The name of the value itself when an issue has no path; without it the prefix, or just the message. */
  root?: string;
}

export function issueLines(issues: readonly z.core.$ZodIssue[], f: IssueFormat = {}): string[] {
  return issues.slice(0, f.max ?? issues.length).map((i) => {
    const where = i.path.length ? `${f.prefix ?? ''}${i.path.join('.')}` : (f.root ?? f.prefix);
    return where ? `${where}: ${i.message}` : i.message;
  });
}
