// ESLint (flat config), run by `npm test`: JS + typescript-eslint recommended rules (no type-aware
// rules: they would need a full type-check per run, and `tsc --noEmit` already does that once), plus the
// direction of imports between the parts of the repository.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const TEST_FILES = ['**/*.test.ts', '**/*.test.tsx', 'api/test/**', 'e2e/**', 'bench/**'];

// Production code never reaches into the test harness (api/test): it holds throwaway databases, loopback
// fakes and fixed secrets. Matched on the import string: every relative path into a `test/` folder.
const noTestImports = {
  regex: '(^|/)test/',
  message: 'Production code must not import test code (api/test); move the importer to bench/, e2e/ or a test.',
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
    // The extension ships to browsers: it may share the API's types, never its code, except the pure graph rules
    // both sides run (see extension/lib/api-types.test.ts). Its tests run in Node and may check against the API.
    files: ['extension/**'],
    ignores: TEST_FILES,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)api/(?!services/flows/graph-rules$)',
              allowTypeImports: true,
              message: 'The extension imports from api/ only as types (`import type`).',
            },
          ],
        },
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
