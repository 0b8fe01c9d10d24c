// The extension may borrow the API's types, never its code: every import that leaves extension/ is type-only,
// except into shared/ (pure code both sides run).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const EXTENSION = path.resolve(import.meta.dirname, '../..');
const SHARED = path.resolve(EXTENSION, '../shared');
const outside = (target: string) => path.relative(EXTENSION, target).startsWith('..') && !target.startsWith(SHARED + path.sep);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === '__fixtures__' ? [] : sources(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

describe('imports from the API', () => {
  it('are type-only, so no server code reaches the bundles', () => {
    const offending: string[] = [];
    let typeOnly = 0;
    for (const file of sources(EXTENSION)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^\s*(import|export)\s+([^;]*?)\s+from\s+['"]([^'"]+)['"]/gms)) {
        const [, , clause = '', spec = ''] = m;
        if (!spec.startsWith('.')) continue;
        const target = path.resolve(path.dirname(file), spec);
        if (outside(target)) {
          if (/^type\s/.test(clause)) typeOnly++;
          else offending.push(`${path.relative(EXTENSION, file)}: ${m[0].trim()}`);
        }
      }
      // Bare `import '../api/…'` and dynamic import() would run server code too.
      for (const m of text.matchAll(/(?:^\s*import\s*|import\()\s*['"](\.[^'"]+)['"]/gm)) {
        if (outside(path.resolve(path.dirname(file), m[1]!))) offending.push(`${path.relative(EXTENSION, file)}: ${m[0].trim()}`);
      }
    }
    expect(offending).toEqual([]);
    expect(typeOnly).toBeGreaterThan(0);
  });
});
