// ESLint (flat config), run by `npm test`: JS + typescript-eslint recommended rules (no type-aware
// rules: they would need a full type-check per run, and `tsc --noEmit` already does that once), plus the
// direction of imports between the parts of the repository.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const TEST_FILES = ['**/*.test.ts', '**/*.test.tsx', 'api/test/**', 'e2e/**', 'bench/**', 'eval/**'];

// Production code never reaches into the test harness (api/test): it holds throwaway databases, loopback
// fakes and fixed secrets. Matched on the import string: every relative path into a `test/` folder.
// The extension ships to browsers: it may share the API's types, never its code.
const apiTypesOnly = { regex: '(^|/)api/', allowTypeImports: true, message: 'The extension imports from api/ only as types (`import type`).' };

/**
 * extension/lib/ is grouped by the browser context that runs a file (content, panel, pages, background);
 * code they share lives in common/ (or the repository's shared/). One context borrows another's types,
 * never its code; the background (tokens, the queue) is imported by nobody but itself.
 */
const CONTEXTS = ['content', 'panel', 'pages', 'background', 'common'];
function contextImports(context) {
  const others = CONTEXTS.filter((c) => c !== context && c !== 'background');
  const patterns = [apiTypesOnly];
  if (context !== 'background') {
    patterns.push({ regex: '(^|/)background(/|$)', message: 'Only the background imports the background (its tokens, queue and schemas stay in its bundle).' });
  }
  patterns.push({
    regex: `(^|/)\\.\\./(${others.filter((c) => c !== 'common').join('|')})(/|$)`,
    allowTypeImports: true,
    message: 'A browser context imports another context only as types; move shared code to extension/lib/common/ or shared/.',
  });
  return { files: [`extension/lib/${context}/**`], ignores: TEST_FILES, rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] } };
}

const noTestImports = {
  regex: '(^|/)test/',
  message: 'Production code must not import test code (api/test); move the importer to bench/, eval/, e2e/ or a test.',
};

export default defineConfig(
  {
    ignores: ['.output/**', '.wxt/**', 'node_modules/**', 'bench/results/**', 'e2e/screenshots/**', '.data/**', '.test-data/**'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_`-prefixed names are deliberately unused (placeholders in destructuring and callbacks).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Tests, fakes and benches read arbitrary JSON (responses, recorded requests) and index into it
    // freely; typing every shape there would be noise. Production code keeps the rule.
    files: TEST_FILES,
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The simulated ConnectWise page's script runs in the browser, not in Node.
    files: ['e2e/sim/web-app.js'],
    languageOptions: {
      globals: Object.fromEntries(['window', 'document', 'location', 'history', 'fetch', 'setTimeout', 'btoa', 'atob'].map((g) => [g, 'readonly'])),
    },
  },
  {
    // Node scripts run by npm (postinstall): plain JavaScript, Node's globals.
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    files: ['**/*.{ts,tsx,js,cjs,mjs}'],
    ignores: TEST_FILES,
    rules: {
      'no-restricted-imports': ['error', { patterns: [noTestImports] }],
    },
  },
  {
    // Extension tests run in Node and may check the extension against the API's own code.
    files: ['extension/**'],
    ignores: TEST_FILES,
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [apiTypesOnly] }] },
  },
  ...CONTEXTS.map(contextImports),
  {
    // shared/ is pure code that both the API (Node) and the extension (browsers) run: its code imports nothing
    // but its own files (types, erased at build, may come from the API), and reaches for no runtime's globals.
    files: ['shared/**'],
    ignores: TEST_FILES,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!\\./)', allowTypeImports: true, message: 'shared/ imports only its own files (./x): no packages, Node, DOM or app code.' }] },
      ],
      'no-restricted-globals': [
        'error',
        ...['window', 'document', 'navigator', 'localStorage', 'fetch', 'chrome', 'browser', 'process', 'Buffer', 'require', 'global', 'globalThis'].map((name) => ({
          name,
          message: 'shared/ is pure: no runtime globals (Node, DOM, extension APIs).',
        })),
      ],
    },
  },
  {
    // Services are the layer below the routes: HTTP shapes depend on services, never the reverse.
    files: ['api/services/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [{ regex: '(^|/)routes/', message: 'api/services must not import from api/routes (routes depend on services).' }],
        },
      ],
    },
  },
);
