// e2e setup: builds the extension when .output/chrome-mv3 is missing or older than its sources, and starts one throwaway database.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createThrowawayDatabase } from '../api/test/database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    e2eAppUrl: string;
    e2eOwnerUrl: string;
  }
}

const ROOT = path.resolve(import.meta.dirname, '..');
const MANIFEST = path.join(ROOT, '.output/chrome-mv3/manifest.json');

function newestMtime(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(p)) {
    if (name === '__fixtures__' || name.endsWith('.test.ts') || name.endsWith('.test.tsx')) continue;
    newest = Math.max(newest, newestMtime(path.join(p, name)));
  }
  return newest;
}

export function extensionIsStale(): boolean {
  if (!existsSync(MANIFEST)) return true;
  const built = statSync(MANIFEST).mtimeMs;
  // shared/ is bundled too (the pure rules the extension shares with the API).
  const sources = Math.max(newestMtime(path.join(ROOT, 'extension')), newestMtime(path.join(ROOT, 'shared')), statSync(path.join(ROOT, 'wxt.config.ts')).mtimeMs, statSync(path.join(ROOT, 'package.json')).mtimeMs);
  return sources > built;
}

export default async function setup(project: TestProject) {
  if (extensionIsStale()) {
    console.log('[e2e] building the extension (wxt build)…');
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/wxt/bin/wxt.mjs'), 'build'], { cwd: ROOT, stdio: 'inherit' });
  }
  const db = await createThrowawayDatabase('e2e');
  project.provide('e2eAppUrl', db.appUrl);
  project.provide('e2eOwnerUrl', db.ownerUrl);
  return async () => {
    await db.drop();
  };
}
