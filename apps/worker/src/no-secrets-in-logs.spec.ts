import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Sequelize } from 'sequelize';
import { BytemarkTokensRepository, TokenCipher, connectMongo, createSequelize, ensureMysqlDatabase } from '@btc/data';
import { TEST_TOKEN_KEYRING, throwawayMysqlAccount } from '@btc/data/testing';
import { migrateUp } from '@btc/migrations';
import { requestTicketRefresh } from '@btc/ticket-cache-client';
import { openHarness, startWorkerProcess, uniqueTaskQueue, type Harness } from '@btc/worker-runtime/testing';

/**
 * Issue 14 #8: no secret in any log line. Failures an operator meets, each run as a real process
 * whose whole output (stdout and stderr) is searched: `npm run migrate -- up` failing inside a
 * migration, a worker whose write of a renewed Bytemark token fails, and `tokens rotate` failing to
 * write. All connect to MariaDB as a throwaway user whose password is in MYSQL_URL; the stored token
 * is a known value. Searched for: the MySQL password, the tokens (stored, rejected, renewed), the
 * account password, the encryption keys, any encrypted value (`enc:v1:`, `enc:v2:`) and any URL credentials.
 */
// Names of this run only: two runs at once (two people's `npm test`) must not drop each other's user.
const RUN = randomBytes(4).toString('hex');
const DB = `bytemark_log_secret_${RUN}_test`;
const USER = `btc_log_secret_${RUN}`;
const PASSWORD = `S3cretPw-${randomBytes(6).toString('hex')}`;
const TOKEN = `tok-secret-${randomBytes(6).toString('hex')}`;
// A user id of this run too (the per-user workflow id is shared by everyone on the Temporal server).
const USER_ID = 32_000 + (randomBytes(2).readUInt16BE(0) % 1000);
const account = throwawayMysqlAccount({ database: DB, user: USER, password: PASSWORD });
const { rootUrl, mongoUrl } = account;
const userUrl = account.userUrl();
const repoRoot = join(__dirname, '..', '..', '..');

let h: Harness;
let root: Sequelize;

const resetDatabase = (grants: string) => account.reset(root, grants);

/** `npm run migrate -- <args>` (tsx migrations/src/cli.ts), its stdout and stderr together. */
function runMigrate(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return runNode(join(repoRoot, 'migrations/src/cli.ts'), args, env);
}

function runNode(
  entry: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [require.resolve('tsx/cli'), entry, ...args], {
      env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'trace', ...env },
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/**
 * A migrated database whose bytemark_tokens rejects every UPDATE (as a table an operator broke;
 * reads still work), holding the simulator's user with a stored token Bytemark no longer accepts.
 */
async function brokenTokenTable() {
  await resetDatabase('ALL PRIVILEGES');
  await migrateUp({ mysqlUrl: rootUrl, mongoUrl });
  await root.query(`USE \`${DB}\``);
  await root.query(
    `CREATE TRIGGER bytemark_tokens_broken BEFORE UPDATE ON bytemark_tokens FOR EACH ROW
     SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'bytemark_tokens is read-only here'`,
  );
  const [account] = await h.admin.users();
  const tokens = new BytemarkTokensRepository(root, TokenCipher.fromKeyring(TEST_TOKEN_KEYRING));
  await tokens.upsertAccount({ userId: USER_ID, email: account!.email, password: account!.password, token: TOKEN });
  return account!;
}

/** `npm run cli -- <args>` (tsx apps/scheduler/src/cli.ts), its stdout and stderr together. */
function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return runNode(join(repoRoot, 'apps/scheduler/src/cli.ts'), args, env);
}

function expectNoSecret(output: string, secrets: string[]): void {
  for (const secret of secrets) expect(output).not.toContain(secret);
  // No encrypted token or password either (the cipher's format), nor a URL with credentials.
  expect(output).not.toMatch(/enc:v\d:/);
  expect(output).not.toMatch(/:\/\/[^\s:@/]+:(?!\*\*\*@)[^\s@/]+@/);
  // The environment's secrets are also removed from every finished line (a second net), so check
  // the serializer itself: no driver internals (SQL and its parameters, connection configs, umzug's
  // context holding the whole Sequelize instance) were written at all.
  expect(output).not.toMatch(/["']?\b(sql|parameters|config|context|original)["']?\s*:/);
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  await ensureMysqlDatabase(rootUrl);
  root = createSequelize(rootUrl, { logging: false, pool: { max: 1 } });
  h = await openHarness({ users: 1, passesPerUser: 3, firstUserId: USER_ID });
});
afterAll(async () => {
  if (root) await account.drop(root);
  await root?.close();
  const mongo = await connectMongo(mongoUrl);
  await mongo.dropDatabase().finally(() => mongo.close());
  await h?.close();
});

describe('no secret in any log line', () => {
  it('a failing `npm run migrate -- up` prints the error types and causes, and never the MySQL password', async () => {
    // Everything but INSERT: the first migration creates its table, then recording it fails inside
    // umzug, whose error carries the whole Sequelize instance (password included) as its context.
    await resetDatabase('SELECT, CREATE, DROP, ALTER, INDEX, UPDATE, DELETE');
    const run = await runMigrate(['up'], { MYSQL_URL: userUrl, MONGO_URL: mongoUrl });

    expect(run.code).not.toBe(0);
    expect(run.output).toContain('MigrationError');
    expect(run.output).toMatch(/caused by: SequelizeDatabaseError: INSERT command denied/);
    expectNoSecret(run.output, [PASSWORD]);
  });

  it("a worker whose write of a renewed token fails logs the error's type and causes, never the password or a token", async () => {
    const account = await brokenTokenTable();

    const taskQueue = uniqueTaskQueue('log-secrets');
    const worker = startWorkerProcess(
      h,
      taskQueue,
      { MYSQL_URL: userUrl, MONGO_URL: mongoUrl, LOG_LEVEL: 'debug', LOG_FORMAT: 'json' },
      { captureOutput: true },
    );
    try {
      await worker.ready;
      const handle = await requestTicketRefresh(h.client, USER_ID, { taskQueue, wait: false });
      await waitFor(() => worker.output().includes('Activity failed'), "the worker's failed activity line");
      await handle.terminate('test done').catch(() => undefined);
    } finally {
      await worker.kill();
    }
    const output = worker.output();
    // The login happened (the renewed token exists) and its write failed, with the driver's error named.
    const [renewed] = await h.admin.users();
    expect(renewed!.token).not.toBe(account!.token);
    expect(output).toContain('Bytemark login succeeded');
    expect(output).toMatch(new RegExp(`refresh user ${USER_ID} failed \\(\\w+\\)`));
    expect(output).toContain('SequelizeDatabaseError');
    expect(output).toContain('bytemark_tokens is read-only here');
    expectNoSecret(output, [PASSWORD, TOKEN, renewed!.token!, account!.token!, account!.password]);
  });

  it('a failing `npm run cli -- tokens rotate --execute` prints the error type, never the password, a key or a stored value', async () => {
    const account = await brokenTokenTable();
    const newKey = Buffer.alloc(32, 3).toString('base64');
    const run = await runCli(['tokens', 'rotate', '--execute'], {
      MYSQL_URL: userUrl,
      MONGO_URL: mongoUrl,
      TOKEN_ENCRYPTION_KEY: `t3:${newKey},${TEST_TOKEN_KEYRING}`,
    });

    expect(run.code).not.toBe(0);
    expect(run.output).toMatch(/SequelizeDatabaseError: bytemark_tokens is read-only here/);
    const keys = TEST_TOKEN_KEYRING.split(',').map((k) => k.slice(k.indexOf(':') + 1));
    expectNoSecret(run.output, [PASSWORD, TOKEN, account.password, newKey, ...keys]);
  });
});
