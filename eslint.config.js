// @ts-check
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Imports each process may never make: the process boundaries of STYLE.md, enforced rather than hoped for. */
const nodeBuiltins = { group: ['node:*'], message: 'Node built-ins are not available here.' };
const electron = { name: 'electron', message: 'Only src-main and src-preload may import electron.' };
const pattern = (group, message) => ({ group, message });

export default tseslint.config(
  {
    ignores: ['out/**', 'dist/**', 'release/**', '.stack/**', 'node_modules/**', 'coverage/**', 'docs/**', 'server/dist/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // React's hook rules (plus the React Compiler's checks that ship in the same preset). exhaustive-deps is an error
    // here, not the preset's warning: a stale closure over a store or the LiveKit room is a bug, not a style point.
    files: ['src-renderer/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
    rules: {
      ...reactHooks.configs.flat.recommended.rules,
      'react-hooks/exhaustive-deps': 'error',
      // Only tells that the React Compiler would skip a component (TanStack Virtual's useVirtualizer); we do not build
      // with the compiler, so there is nothing to fix and nothing is skipped.
      'react-hooks/incompatible-library': 'off',
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electron],
          patterns: [
            nodeBuiltins,
            pattern(
              ['**/src-main/**', '**/src-preload/**'],
              'The renderer talks to the desktop only through platform/ and the preload bridge.',
            ),
            pattern(['**/server/**'], 'The renderer never imports server code; share contracts through src-shared.'),
          ],
        },
      ],
    },
  },
  {
    // The web client's first script must not carry zod or the route schemas (a third of its start-up time, see
    // bench/client.ts): values come from route-table.ts (method + path) and contract.ts (buildPath); types from anywhere.
    files: ['src-renderer/**/*.{ts,tsx}'],
    ignores: ['**/*.test.{ts,tsx}', '**/test-fixtures.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'zod', allowTypeImports: true, message: 'Use zod/mini in the renderer: it is tree-shakable and cheap to start.' },
          ],
          patterns: [
            {
              regex: '^@shared/api(/(?!(route-table|contract)$).*)?$',
              allowTypeImports: true,
              message:
                'Import routes from @shared/api/route-table (method + path); the contract files build zod schemas at load. Types may come from anywhere.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src-preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            pattern(['**/src-main/**'], 'The preload never imports main-process code.'),
            pattern(['**/src-renderer/**', '**/server/**'], 'The preload only builds the bridge from src-shared.'),
          ],
        },
      ],
    },
  },
  {
    files: ['src-main/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            pattern(
              ['**/src-renderer/**', '**/src-preload/**', '**/server/**'],
              'The main process shares contracts only through src-shared.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['src-shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electron],
          patterns: [
            nodeBuiltins,
            pattern(
              ['**/src-main/**', '**/src-preload/**', '**/src-renderer/**', '**/server/**'],
              'src-shared is imported by every process and imports none of them.',
            ),
          ],
        },
      ],
      // src-shared runs in every process: no DOM or Node globals.
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage', 'process', 'Buffer', '__dirname', 'require'],
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electron],
          patterns: [
            pattern(
              ['**/src-main/**', '**/src-preload/**', '**/src-renderer/**'],
              'The server never imports client code; share contracts through src-shared.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['tests/**/*.ts', 'bench/**/*.ts'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
