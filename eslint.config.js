import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'dist/', 'coverage/', 'migrations/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
  },
  {
    // The store is async: a promise nobody awaits (or one handed to a callback that returns void) is a
    // unit of work running outside the caller's, so these are errors, checked with type information.
    files: ['src/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      // Log through src/logger.ts: it redacts secrets and keeps stdout free for the CLI.
      'no-console': 'error',
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/slack/**', '**/teams/**', '**/store/**', '**/chat/**', '**/cli/**', '**/jobs/**', '**/api/**'],
              message: 'core must not depend on outer layers',
            },
            {
              group: ['@slack/*', 'botbuilder*', 'drizzle-orm*', 'better-sqlite3', 'express'],
              message: 'core stays free of platform and database libraries',
            },
          ],
        },
      ],
    },
  },
);
