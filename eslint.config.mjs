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

/**
 * Which projects may import which, by tag. Apps are composition roots: nothing imports a project
 * tagged `type:app`. Test code (specs, fixtures, `testing` entry points) may also use the Bytemark
 * simulator, the test double of the real API; production code of a lib never can. Workflow specs
 * may use the config lib (the Temporal settings of their stub workers). `type:deploy`
 * (the deployment artifacts and their checks) is test-only too: the tests of apps, the runtime and
 * tools may use its real-Prometheus utility, no production code may, and it uses only tools itself.
 */
function moduleBoundaries({ tests }) {
  const testOnly = tests ? ['type:simulator'] : [];
  const deployForTests = tests ? ['type:deploy'] : [];
  const libs = [
    'type:workflows',
    'type:activities',
    'type:io',
    'type:client',
    'type:migrations',
    'type:config',
    'type:simulator',
    'type:runtime',
  ];
  return {
    allow: [],
    banTransitiveDependencies: false,
    enforceBuildableLibDependency: false,
    depConstraints: [
      { sourceTag: '*', notDependOnLibsWithTags: ['type:app'] },
      // Workflow specs connect their stub workers to Temporal with the one settings loader.
      { sourceTag: 'type:workflows', onlyDependOnLibsWithTags: ['type:workflows', ...(tests ? ['type:config'] : [])] },
      { sourceTag: 'type:io', onlyDependOnLibsWithTags: ['type:io', 'type:config', ...testOnly] },
      { sourceTag: 'type:activities', onlyDependOnLibsWithTags: ['type:io', 'type:workflows', ...testOnly] },
      { sourceTag: 'type:client', onlyDependOnLibsWithTags: ['type:workflows'] },
      { sourceTag: 'type:migrations', onlyDependOnLibsWithTags: ['type:io', 'type:config'] },
      { sourceTag: 'type:config', onlyDependOnLibsWithTags: [] },
      { sourceTag: 'type:simulator', onlyDependOnLibsWithTags: ['type:config'] },
      {
        sourceTag: 'type:runtime',
        onlyDependOnLibsWithTags: [
          'type:workflows',
          'type:activities',
          'type:io',
          'type:config',
          ...testOnly,
          ...deployForTests,
        ],
      },
      { sourceTag: 'type:app', onlyDependOnLibsWithTags: [...libs, ...deployForTests] },
      { sourceTag: 'type:tools', onlyDependOnLibsWithTags: [...libs, 'type:tools', ...deployForTests] },
      { sourceTag: 'type:deploy', onlyDependOnLibsWithTags: tests ? ['type:tools'] : [] },
    ],
  };
}

/** Test code: specs, fixtures and `testing` entry points. */
const testFiles = ['**/*.spec.ts', '**/*.fixture.ts', '**/src/testing.ts', '**/src/testing/**/*.ts'];

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
      '@nx/enforce-module-boundaries': ['error', moduleBoundaries({ tests: false })],
    },
  },
  {
    // Workflow files run in Temporal's deterministic sandbox: no Node built-ins, no I/O, and other
    // libs only as types (activities are called through proxies, never imported as values).
    files: ['libs/workflows/src/**/*.ts'],
    ignores: ['libs/workflows/src/**/*.spec.ts', 'libs/workflows/src/testing/**/*.ts'],
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
      'apps/*/src/cli*.ts',
      'apps/*/src/cli/**/*.ts',
      'bench/**/*.ts',
    ],
    rules: { 'no-console': 'off' },
  },
  {
    files: testFiles,
    rules: { '@nx/enforce-module-boundaries': ['error', moduleBoundaries({ tests: true })] },
  },
  prettier,
);
