import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { createSequelize } from '@btc/data';
import { ensureTestMysqlDatabase, testMongoUrl, testMysqlUrl } from '@btc/data/testing';
import { migrateDown, migrateUp, migrationStatus } from './migrator';
import { mysqlMigrations } from './mysql/migrations';

const DATABASE = 'bytemark_migrate_sigterm_test';
const mysqlUrl = testMysqlUrl(DATABASE);
const mongoUrl = testMongoUrl(DATABASE);
/** Alters a table the test can hold a metadata lock on (hntb_bytemark_pass, created by 0003). */
const BLOCKED = '0005_add_hntb_bytemark_pass_analytics_indexes';
let sequelize: Sequelize;

beforeAll(async () => {
  await ensureTestMysqlDatabase(mysqlUrl);
  sequelize = createSequelize(mysqlUrl, { logging: false, pool: { max: 3 } });
});
afterAll(async () => {
  await sequelize?.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``).catch(() => undefined);
  await sequelize?.close();
});

/** Sessions of this database waiting for the metadata lock the test holds. */
async function waitingForLock(): Promise<number> {
  const [row] = await sequelize.query<{ n: number }>(
    "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ? AND STATE LIKE 'Waiting for table metadata lock%'",
    { replacements: [DATABASE], type: QueryTypes.SELECT },
  );
  return Number(row?.n);
}

describe('npm run migrate stopped by SIGTERM', () => {
  jest.setTimeout(60_000);

  it('finishes the migration that runs, starts no other, says so and exits 143; running it again does the rest', async () => {
    await migrateUp({ mysqlUrl, mongoUrl });
    await migrateDown({ mysqlUrl, to: BLOCKED, confirmed: true });
    const names = mysqlMigrations().map((m) => m.name);
    const after = names.slice(names.indexOf(BLOCKED) + 1);

    // An open transaction that read the table: 0005's ALTER waits for it, as it would behind a long query.
    const holder: Transaction = await sequelize.transaction();
    await sequelize.query('SELECT COUNT(*) FROM hntb_bytemark_pass', { transaction: holder });
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'cli.ts'), 'up'], {
      env: { ...process.env, NODE_ENV: 'test', MYSQL_URL: mysqlUrl, MONGO_URL: mongoUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    try {
      while ((await waitingForLock()) === 0) await new Promise((r) => setTimeout(r, 50));
      child.kill('SIGTERM');
      // It does not stop in the middle of the ALTER: still there, still waiting, a second later.
      await new Promise((r) => setTimeout(r, 1000));
      expect(child.exitCode).toBeNull();
      expect(await waitingForLock()).toBe(1);
    } finally {
      await holder.commit();
    }
    const sigtermToExit = Date.now();
    const { code, signal } = await exited;
    console.log(
      `migrate up, SIGTERM during ${BLOCKED} (held 1 s by a lock): exit ${code} ${Date.now() - sigtermToExit} ms after the lock was released\n${stdout}${stderr}`,
    );

    expect({ code, signal }).toEqual({ code: 143, signal: null });
    expect(stdout).toContain(`created  ${BLOCKED} (hntb_bytemark_pass)`);
    expect(stderr).toContain('SIGTERM: finishing the migration that runs, then stopping');
    expect(stderr).toContain(
      `SIGTERM: migrate up stopped after ${BLOCKED} finished; applied in this run: ${BLOCKED}; ` +
        `not run: ${[...after, 'MongoDB indexes'].join(', ')}. Run \`migrate up\` again to do the rest.`,
    );
    const status = await migrationStatus({ mysqlUrl });
    expect(status.executed.at(-1)).toBe(BLOCKED);
    expect(status.pending).toEqual(after);
    const indexes = await sequelize.query<{ Key_name: string }>('SHOW INDEX FROM hntb_bytemark_pass', {
      type: QueryTypes.SELECT,
    });
    expect(indexes.map((i) => i.Key_name)).toEqual(
      expect.arrayContaining(['idx__user_id__logged_on', 'idx__logged_on']),
    );

    expect(await migrateUp({ mysqlUrl, mongoUrl })).toEqual(after);
    expect((await migrationStatus({ mysqlUrl })).pending).toEqual([]);
  });
});
