import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_TOKEN_KEYRING } from '@btc/data/testing';
import { prepareDatabases } from './databases';
import { stackDown, stackUp } from './local-stack';
import { dataDir, repoRoot } from './paths';
import { formatError, knownSecrets } from '@btc/config';

/**
 * `npm test`: starts the real services the suite needs (unless already running), migrates the
 * test database, runs every project's build (type check), lint and test through Nx, prints one
 * closing line, and stops exactly what it started. Extra arguments go to `nx run-many`.
 */
async function main(): Promise<number> {
  const log = (line: string) => console.log(`[test] ${line}`);
  const started = await stackUp(log);
  let status = 1;
  try {
    await prepareDatabases(log);
    const resultsDir = join(dataDir, 'test-results');
    rmSync(resultsDir, { recursive: true, force: true });
    const nx = spawnSync(
      'npx',
      [
        'nx',
        'run-many',
        '-t',
        'build',
        'lint',
        'test',
        '--parallel=1',
        '--outputStyle=static',
        ...process.argv.slice(2),
      ],
      {
        cwd: repoRoot,
        stdio: 'inherit',
        env: {
          ...process.env,
          // The suite's key, passed explicitly to every test process (the apps have no fallback key).
          TOKEN_ENCRYPTION_KEY: TEST_TOKEN_KEYRING,
          NX_DAEMON: 'false',
          NX_NO_CLOUD: 'true',
          NX_TUI: 'false',
          FORCE_COLOR: '0',
        },
      },
    );
    status = nx.status ?? 1;
    const totals = { passed: 0, failed: 0, skipped: 0 };
    if (existsSync(resultsDir)) {
      for (const file of readdirSync(resultsDir)) {
        const r = JSON.parse(readFileSync(join(resultsDir, file), 'utf8')) as typeof totals;
        totals.passed += r.passed;
        totals.failed += r.failed;
        totals.skipped += r.skipped;
      }
    }
    if (status !== 0 && totals.failed === 0) totals.failed = 1; // a build or lint failure still fails the suite
    console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  } finally {
    if (started.length > 0) await stackDown(log, started);
  }
  return status;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    for (const line of formatError(error, { secrets: knownSecrets(process.env) })) console.error(`[test] ${line}`);
    process.exit(1);
  },
);
