// The extension may borrow the API's types, never its code: every import that reaches into api/ is type-only,
// except the shared pure rules both sides run (SHARED), which themselves import nothing but types.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const EXTENSION = path.resolve(import.meta.dirname, '..');
const ROOT = path.resolve(EXTENSION, '..');
/** Pure modules of the API the extension runs too (one copy of a rule, DESIGN.md §6). */
const SHARED = ['api/services/flows/graph-rules.ts'].map((f) => path.join(ROOT, f));

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
        if (path.relative(EXTENSION, target).startsWith('..')) {
          if (/^type\s/.test(clause)) typeOnly++;
          else if (SHARED.includes(target + '.ts')) continue;
          else offending.push(`${path.relative(EXTENSION, file)}: ${m[0].trim()}`);
        }
      }
      // Bare `import '../api/…'` and dynamic import() would run server code too.
      for (const m of text.matchAll(/(?:^\s*import\s*|import\()\s*['"](\.[^'"]+)['"]/gm)) {
        if (path.relative(EXTENSION, path.resolve(path.dirname(file), m[1]!)).startsWith('..')) offending.push(`${path.relative(EXTENSION, file)}: ${m[0].trim()}`);
      }
    }
    expect(offending).toEqual([]);
    expect(typeOnly).toBeGreaterThan(0);
  });

  it('of shared pure modules bring no server code with them (they import types only)', () => {
    for (const file of SHARED) {
      const imports = [...readFileSync(file, 'utf8').matchAll(/^\s*import\s+(?!type\s)[^;]*;/gm)].map((m) => m[0].trim());
      expect(imports, path.relative(ROOT, file)).toEqual([]);
    }
  });
});
