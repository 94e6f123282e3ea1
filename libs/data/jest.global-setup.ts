import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { testDatabaseUrls } from './src/testing';

/**
 * The data layer's schema comes only from the migrations, which this lib cannot import (they
 * depend on it), so the suite runs the migration CLI against the test databases first. Idempotent;
 * `testDatabaseUrls()` refuses any database whose name does not end in `_test`.
 */
export default function globalSetup(): void {
  const { mysqlUrl, mongoUrl } = testDatabaseUrls();
  const cli = join(__dirname, '..', '..', 'migrations', 'src', 'cli.ts');
  const result = spawnSync(process.execPath, [require.resolve('tsx/cli'), cli, 'up'], {
    env: { ...process.env, MYSQL_URL: mysqlUrl, MONGO_URL: mongoUrl, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`migrating the test databases failed:\n${result.stdout}\n${result.stderr}`);
  }
}
