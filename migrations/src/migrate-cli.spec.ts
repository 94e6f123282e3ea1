import { createSequelize, ensureMysqlDatabase } from '@btc/data';
import { throwawayMysqlAccount } from '@btc/data/testing';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Sequelize } from 'sequelize';
import { createOriginalPlatformTables, DIFFERING_DDL, snapshotTables } from './adoption/original-platform.fixture';
import { tableNames } from './adoption/read-table';
import { migrateUp } from './migrator';

/** Runs the real `npm run migrate` entry point (tsx migrations/src/cli.ts) as a child process. */
function runMigrateCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [require.resolve('tsx/cli'), join(__dirname, 'cli.ts'), ...args], {
      env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'debug', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// Names of this run only: two runs at once must not drop each other's account.
const RUN = randomBytes(4).toString('hex');
const DB = `bytemark_migr_secret_${RUN}_test`;
const USER = `btc_migr_secret_${RUN}`;
const PASSWORD = `S3cret${randomBytes(6).toString('hex')}`;
const account = throwawayMysqlAccount({ database: DB, user: USER, password: PASSWORD });
const { rootUrl, mongoUrl, userUrl } = account;

let root: Sequelize;

async function resetDatabase(grants: string): Promise<void> {
  await account.reset(root, grants);
  await root.query(`USE \`${DB}\``);
}

beforeAll(async () => {
  await ensureMysqlDatabase(rootUrl);
  root = createSequelize(rootUrl, { pool: { max: 1 } });
});
afterAll(async () => {
  await account.drop(root);
  await root.close();
});

describe('npm run migrate: no MySQL password in any output', () => {
  it('a migration that fails inside umzug (INSERT denied) prints type, message and causes, and never the password', async () => {
    // Everything but INSERT: CREATE TABLE succeeds, recording the migration fails inside umzug,
    // whose error carries the whole Sequelize instance (password included) as its context.
    await resetDatabase('SELECT, CREATE, DROP, ALTER, INDEX, UPDATE, DELETE');
    const run = await runMigrateCli(['up'], { MYSQL_URL: userUrl(PASSWORD), MONGO_URL: mongoUrl });
    const output = run.stdout + run.stderr;

    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(
      /^migrate up failed:\n {2}MigrationError: Migration 0001_create_bytemark_tokens \(up\) failed/m,
    );
    expect(run.stderr).toContain(`caused by: SequelizeDatabaseError: INSERT command denied to user '${USER}'`);
    expect(run.stderr).toMatch(/caused by: Error \[ER_TABLEACCESS_DENIED_ERROR\]/);
    expect(output).not.toContain(PASSWORD);
    expect(output.length).toBeLessThan(4_000);
  });

  it('a run stopped by a differing table prints the report, changes nothing, and never the password', async () => {
    await resetDatabase('ALL PRIVILEGES');
    await createOriginalPlatformTables(root, DIFFERING_DDL);
    const tables = await tableNames(root);
    const before = await snapshotTables(root, tables);

    const run = await runMigrateCli(['up'], { MYSQL_URL: userUrl(PASSWORD), MONGO_URL: mongoUrl });

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('  STOP    0001_create_bytemark_tokens');
    expect(run.stdout).toContain(
      '            stop  column token: varchar(100) here; this project needs at least 255 characters (we create varchar(2048))',
    );
    expect(run.stdout).toContain("knex_migrations found: the original platform's migration history (2 recorded");
    expect(run.stderr).toMatch(
      /^Stopped before changing anything: bytemark_tokens, bytemark_ticket_refresh_log differ/,
    );
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
    expect(await tableNames(root)).toEqual(tables);
    expect(await snapshotTables(root, tables)).toEqual(before);
  });

  it('a wrong password is reported as access denied, without either password', async () => {
    await resetDatabase('ALL PRIVILEGES');
    const wrong = `Wr0ng${randomBytes(6).toString('hex')}`;
    const run = await runMigrateCli(['status'], { MYSQL_URL: userUrl(wrong), MONGO_URL: mongoUrl });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Access denied for user '${USER}'`);
    expect(run.stdout + run.stderr).not.toContain(wrong);
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
  });
});

describe('npm run migrate -- down: guarded', () => {
  beforeEach(async () => {
    await resetDatabase('ALL PRIVILEGES');
    await migrateUp({ mysqlUrl: rootUrl });
  });

  it('without --yes it prints what would be reverted, exits non-zero and reverts nothing', async () => {
    const before = await tableNames(root);
    const run = await runMigrateCli(['down', '--to', '0'], { MYSQL_URL: rootUrl });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`MySQL database ${DB}: reverting 11 migration(s), newest first:`);
    expect(run.stdout).toContain(
      '  0001_create_bytemark_tokens: drops table bytemark_tokens (created by this project)',
    );
    expect(run.stderr).toContain('Nothing was reverted: run again with --yes');
    expect(await tableNames(root)).toEqual(before);
  });

  it('with NODE_ENV=production it refuses to drop bytemark_tokens, even with --yes', async () => {
    const before = await tableNames(root);
    const run = await runMigrateCli(['down', '--to', '0', '--yes'], { MYSQL_URL: rootUrl, NODE_ENV: 'production' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /refusing to drop .*bytemark_tokens with NODE_ENV=production: .*the only copy of the generated Bytemark passwords/,
    );
    expect(await tableNames(root)).toEqual(before);

    // reverting only the newest migration is allowed in production
    const last = await runMigrateCli(['down', '--yes'], { MYSQL_URL: rootUrl, NODE_ENV: 'production' });
    expect(last.code).toBe(0);
    expect(await tableNames(root)).not.toContain('bytemark_user_tombstones');
  });

  it('with NODE_ENV=production it refuses to drop the queue or the research tables too, and reverts nothing', async () => {
    const before = await tableNames(root);
    const queue = await runMigrateCli(['down', '--to', '0007_create_bytemark_call_pace', '--yes'], {
      MYSQL_URL: rootUrl,
      NODE_ENV: 'production',
    });
    expect(queue.code).toBe(1);
    expect(queue.stderr).toMatch(
      /refusing to drop bytemark_refresh_log_failures with NODE_ENV=production: bytemark_refresh_log_failures holds why queue rows failed/,
    );
    const research = await runMigrateCli(['down', '--to', '0002_create_bytemark_ticket_refresh_log', '--yes'], {
      MYSQL_URL: rootUrl,
      NODE_ENV: 'production',
    });
    expect(research.code).toBe(1);
    expect(research.stderr).toMatch(
      /refusing to drop bytemark_refresh_log_failures, hntb_trip, hntb_bytemark_pass, bytemark_ticket_refresh_log with NODE_ENV=production/,
    );
    expect(await tableNames(root)).toEqual(before);
  });

  it('with --yes it reverts and says what it did', async () => {
    const run = await runMigrateCli(['down', '--to', '0005_add_hntb_bytemark_pass_analytics_indexes', '--yes'], {
      MYSQL_URL: rootUrl,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('reverted 0011_create_bytemark_user_tombstones');
    expect(run.stdout).toContain('reverted 0010_add_refresh_scheduling');
    expect(run.stdout).toContain('reverted 0009_add_token_storage_mode');
    expect(run.stdout).toContain('reverted 0008_create_bytemark_refresh_log_failures');
    expect(run.stdout).toContain('reverted 0007_create_bytemark_call_pace');
    expect(run.stdout).toContain('reverted 0006_create_bytemark_ticket_cache_state');
    expect(run.stdout).toContain('reverted 0005_add_hntb_bytemark_pass_analytics_indexes');
    expect(run.stdout).toContain('Reverted 7 migration(s).');
  });
});
