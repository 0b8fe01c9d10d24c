// The background's code (zod schemas included) stays in the background: the content script and the panel bundle never import it.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const EXTENSION = path.resolve(import.meta.dirname, '../..');
const BACKGROUND = path.join(EXTENSION, 'lib/background');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === '__fixtures__' ? [] : sources(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

describe('imports of the background', () => {
  it('come only from the background itself and its entrypoint', () => {
    const offending: string[] = [];
    for (const file of sources(EXTENSION)) {
      if (file.startsWith(BACKGROUND + path.sep) || file === path.join(EXTENSION, 'entrypoints/background.ts')) continue;
      for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g)) {
        if (path.resolve(path.dirname(file), m[1]!).startsWith(BACKGROUND)) offending.push(`${path.relative(EXTENSION, file)}: ${m[0]}`);
      }
    }
    expect(offending).toEqual([]);
  });
});
