// @ts-check
import nx from '@nx/eslint-plugin';
import importX from 'eslint-plugin-import-x';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** Node built-ins and I/O packages that must never reach the deterministic workflow sandbox. */
const workflowForbidden = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'crypto',
  'child_process',
  'http',
  'https',
  'net',
  'dns',
  'stream',
  'events',
  'util',
  'worker_threads',
  'axios',
  'mongoose',
  'mongodb',
  'sequelize',
  'mysql2',
  'mysql2/*',
  'fastify',
  'pino',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.data/**',
      '**/.tools/**',
      '**/.nx/**',
      '**/coverage/**',
      '**/jest.config.js',
      'jest.preset.js',
      'tools/jest-results-reporter.js',
    ],
  },
  ...nx.configs['flat/base'],
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true } },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-cycle': 'error',
      'no-console': 'error',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          banTransitiveDependencies: false,
          enforceBuildableLibDependency: false,
          depConstraints: [
            { sourceTag: 'type:workflows', onlyDependOnLibsWithTags: ['type:workflows'] },
            { sourceTag: 'type:io', onlyDependOnLibsWithTags: ['type:io'] },
            { sourceTag: 'type:activities', onlyDependOnLibsWithTags: ['type:io', 'type:workflows'] },
            { sourceTag: 'type:client', onlyDependOnLibsWithTags: ['type:workflows'] },
            { sourceTag: 'type:migrations', onlyDependOnLibsWithTags: ['type:io', 'type:config'] },
            { sourceTag: 'type:config', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:simulator', onlyDependOnLibsWithTags: ['type:config'] },
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: [
                'type:workflows',
                'type:activities',
                'type:io',
                'type:client',
                'type:migrations',
                'type:config',
                'type:simulator',
              ],
            },
            { sourceTag: 'type:tools', onlyDependOnLibsWithTags: ['*'] },
          ],
        },
      ],
    },
  },
  {
    // Workflow files run in Temporal's deterministic sandbox: no Node built-ins, no I/O, and other
    // libs only as types (activities are called through proxies, never imported as values).
    files: ['libs/workflows/src/**/*.ts'],
    ignores: ['libs/workflows/src/**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: workflowForbidden,
              message: 'Workflow code runs in the Temporal sandbox: no Node built-ins or I/O packages.',
            },
            {
              group: ['@btc/*', '!@btc/workflows'],
              allowTypeImports: true,
              message: 'Workflow code may import other libs only with `import type`.',
            },
          ],
        },
      ],
    },
  },
  {
    files: [
      '**/*.spec.ts',
      'tools/**/*.ts',
      'apps/worker/src/bundle-workflows.ts',
      'apps/*/src/cli*.ts', 'apps/*/src/cli/**/*.ts',
      'bench/**/*.ts',
    ],
    rules: { 'no-console': 'off' },
  },
  prettier,
);
