import { join } from 'node:path';
import { createConnection as createMysqlConnection } from 'mysql2/promise';
import { QueryTypes, type Sequelize } from 'sequelize';
import {
  BytemarkTokensRepository,
  ENCRYPTED_COPIES_TABLE,
  TokenCipher,
  createSequelize,
  parseMysqlUrl,
  tokenBinding,
} from '@btc/data';
import { assertTestDatabaseUrl, testDatabaseUrls, testMysqlUrl } from '@btc/data/testing';
import { migrateUp } from '@btc/migrations';
import { createOriginalPlatformSchema } from '@btc/migrations/testing';
import { runProcess } from '../testing/cli-process';

/**
 * Keys and token storage, end to end through the processes an operator starts: the worker app and
 * `npm run cli -- tokens …`, against their own databases (`bytemark_tokens_*_test`, dropped and
 * migrated here), so that no other suite's rows are touched.
 */
const CLI = join(__dirname, '..', 'cli.ts');
const FRESH_URL = testMysqlUrl('bytemark_tokens_fresh_test');
const ADOPTED_URL = testMysqlUrl('bytemark_tokens_adopted_test');
const MONGO_URL = testDatabaseUrls().mongoUrl;
const FIRST_USER = 31_001;
const ROWS = 1000;

const keyOf = (id: string, fill: number) => `${id}:${Buffer.alloc(32, fill).toString('base64')}`;
const OLD_KEY = keyOf('k1', 11);
const NEW_KEY = keyOf('k2', 12);
const WRONG_KEY = keyOf('k9', 99);
const plainToken = (userId: number) => `oauth-token-${userId}-secret`;
const plainPassword = (userId: number) => `pw${userId}Ab12`;

/** Processes get exactly `env` (plus PATH and HOME): nothing inherited from the test runner, no key. */
const cli = (args: string[], env: Record<string, string>) =>
  runProcess(process.execPath, ['--import', 'tsx', CLI, 'tokens', ...args], env, 60_000);

async function recreateDatabase(url: string): Promise<void> {
  assertTestDatabaseUrl(url);
  const { host, port, user, password, database } = parseMysqlUrl(url);
  const conn = await createMysqlConnection({ host, port, user, password });
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await conn.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`);
  } finally {
    await conn.end();
  }
}

let fresh: Sequelize;
let adopted: Sequelize;

const rawRows = (db: Sequelize) =>
  db.query<{ user_id: number; password: string | null; token: string | null }>(
    'SELECT user_id, password, token FROM bytemark_tokens ORDER BY user_id',
    { type: QueryTypes.SELECT },
  );
const copies = (db: Sequelize) =>
  db.query<{ user_id: number; password: string | null; token: string | null }>(
    `SELECT user_id, password, token FROM ${ENCRYPTED_COPIES_TABLE} ORDER BY user_id`,
    { type: QueryTypes.SELECT },
  );

/** `ROWS` accounts written under `keyring`, in one statement. */
async function seedEncrypted(db: Sequelize, keyring: string): Promise<void> {
  const cipher = TokenCipher.fromKeyring(keyring);
  await db.query('TRUNCATE TABLE bytemark_tokens');
  const values = Array.from({ length: ROWS }, (_, i) => {
    const userId = FIRST_USER + i;
    return [
      userId,
      `mp.${userId}@mail.connectsmartx.com`,
      cipher.encrypt(plainPassword(userId), tokenBinding(userId, 'password')),
      cipher.encrypt(plainToken(userId), tokenBinding(userId, 'token')),
      'used',
    ];
  });
  await db.query('INSERT INTO bytemark_tokens (user_id, email, password, token, status) VALUES ?', {
    replacements: [values],
  });
}

beforeAll(async () => {
  await recreateDatabase(FRESH_URL);
  await migrateUp({ mysqlUrl: FRESH_URL });
  fresh = createSequelize(FRESH_URL);

  // The original platform's bytemark_tokens, with plaintext rows, adopted by the migrations.
  await recreateDatabase(ADOPTED_URL);
  adopted = createSequelize(ADOPTED_URL);
  await createOriginalPlatformSchema(adopted);
  await adopted.query(
    `INSERT INTO bytemark_tokens (user_id, email, password, token, status) VALUES
     (32001, 'btc.32001@mail.connectsmartx.com', 'pw32001abc12', 'tok-32001', 'used'),
     (32002, 'btc.32002@mail.connectsmartx.com', 'pw32002abc12', 'tok-32002', 'used'),
     (32003, 'btc.32003@mail.connectsmartx.com', 'pw32003abc12', NULL, 'used')`,
  );
  await migrateUp({ mysqlUrl: ADOPTED_URL });
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([fresh?.close(), adopted?.close()]);
});

describe('worker start-up', () => {
  it('a worker started without TOKEN_ENCRYPTION_KEY (NODE_ENV unset, outside the local stack) exits non-zero within 10 s, naming the variable and how to generate one', async () => {
    const started = await runProcess('npx', ['tsx', 'apps/worker/src/main.ts'], {}, 20_000);
    console.log(`worker without a key: exit ${started.code} after ${started.ms} ms`);
    const output = started.stdout + started.stderr;
    expect(started.code).not.toBe(0);
    expect(started.code).not.toBeNull();
    expect(started.ms).toBeLessThan(10_000);
    expect(output).toContain('TOKEN_ENCRYPTION_KEY');
    expect(output).toContain('is required (there is no default key)');
    expect(output).toContain('openssl rand -base64 32');
  });

  it('a worker started with a key that cannot decrypt the stored tokens exits non-zero within 10 s, naming decryption and the key id, and never a token', async () => {
    await seedEncrypted(fresh, OLD_KEY);
    const started = await runProcess(
      'npx',
      ['tsx', 'apps/worker/src/main.ts'],
      {
        TOKEN_ENCRYPTION_KEY: WRONG_KEY,
        MYSQL_URL: FRESH_URL,
        MONGO_URL,
        WORKER_HEALTH_PORT: '0',
        WORKER_METRICS_PORT: '0',
      },
      20_000,
    );
    console.log(`worker with a wrong key: exit ${started.code} after ${started.ms} ms`);
    const output = started.stdout + started.stderr;
    expect(started.code).not.toBe(0);
    expect(started.code).not.toBeNull();
    expect(started.ms).toBeLessThan(10_000);
    expect(output).toMatch(/TOKEN_ENCRYPTION_KEY cannot decrypt the stored Bytemark tokens: decryption/);
    expect(output).toContain("key id 'k1'");
    expect(output).toContain('The worker refuses to start with it');
    expect(output).not.toContain(plainToken(FIRST_USER));
    expect(output).not.toContain(plainPassword(FIRST_USER));
  });

  it('a malformed keyring, an unreachable Temporal or an unreachable MySQL each stop the worker non-zero within 10 s, naming the cause', async () => {
    const base = { MYSQL_URL: FRESH_URL, MONGO_URL, WORKER_HEALTH_PORT: '0', WORKER_METRICS_PORT: '0' };
    const cases: Array<[string, Record<string, string>, RegExp]> = [
      [
        'malformed keyring',
        { ...base, TOKEN_ENCRYPTION_KEY: 'k1:too-short' },
        /TOKEN_ENCRYPTION_KEY: is not a keyring/,
      ],
      [
        'Temporal unreachable',
        { ...base, TOKEN_ENCRYPTION_KEY: OLD_KEY, TEMPORAL_ADDRESS: '127.0.0.1:1' },
        /Connection refused|ConnectError|TransportError|nothing accepted the connection/,
      ],
      [
        'MySQL unreachable',
        { ...base, TOKEN_ENCRYPTION_KEY: OLD_KEY, MYSQL_URL: 'mysql://root@127.0.0.1:1/bytemark_tokens_fresh_test' },
        /ECONNREFUSED/,
      ],
    ];
    for (const [name, env, cause] of cases) {
      const started = await runProcess('npx', ['tsx', 'apps/worker/src/main.ts'], env, 20_000);
      console.log(`worker start, ${name}: exit ${started.code} after ${started.ms} ms`);
      expect(started.code).toBe(1);
      expect(started.ms).toBeLessThan(10_000);
      expect(started.stdout + started.stderr).toMatch(cause);
      expect(started.stdout + started.stderr).not.toContain('too-short');
    }
  });
});

describe('npm run cli -- tokens rotate', () => {
  it('re-encrypts 1,000 rows written under an older key, prints the counts, and is resumable: a second run re-encrypts none', async () => {
    await seedEncrypted(fresh, OLD_KEY);
    const env = { MYSQL_URL: FRESH_URL, TOKEN_ENCRYPTION_KEY: `${NEW_KEY},${OLD_KEY}` };
    const before = await rawRows(fresh);

    const dry = await cli(['rotate'], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/scanned: +1000\n/);
    expect(dry.stdout).toMatch(/under current key: +0\n/);
    expect(dry.stdout).toMatch(/to re-encrypt: +1000\n/);
    expect(dry.stdout).toContain('dry run: nothing changed');
    expect(await rawRows(fresh)).toEqual(before);

    const first = await cli(['rotate', '--execute'], env);
    console.log(`tokens rotate --execute on ${ROWS} rows (process ${first.ms} ms):\n${first.stdout}`);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/scanned: +1000\n/);
    expect(first.stdout).toMatch(/under current key: +0\n/);
    expect(first.stdout).toMatch(/re-encrypted: +1000\n/);
    expect(first.stdout).toMatch(/failed: +0\n/);

    const second = await cli(['rotate', '--execute'], env);
    console.log(`second run:\n${second.stdout}`);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/under current key: +1000\n/);
    expect(second.stdout).toMatch(/re-encrypted: +0\n/);

    // The older key can leave the keyring: every row decrypts with the new key alone.
    const newOnly = new BytemarkTokensRepository(fresh, TokenCipher.fromKeyring(NEW_KEY));
    expect((await newOnly.checkKeyring()).keyIds.map((k) => [k.keyId, k.values, k.ok])).toEqual([['k2', 2000, true]]);
    for (let userId = FIRST_USER; userId < FIRST_USER + ROWS; userId++) {
      const account = await newOnly.findByUserId(userId);
      if (account?.token !== plainToken(userId) || account.password !== plainPassword(userId)) {
        throw new Error(`user ${userId} does not decrypt with the new key alone`);
      }
    }
    expect((await rawRows(fresh)).every((r) => r.token?.startsWith('enc:v2:k2:'))).toBe(true);
  });

  it('counts rows under a key the keyring lacks as failed, leaves them as they are, and exits non-zero', async () => {
    await seedEncrypted(fresh, OLD_KEY);
    await fresh.query('UPDATE bytemark_tokens SET token = ? WHERE user_id = ?', {
      replacements: [TokenCipher.fromKeyring(WRONG_KEY).encrypt('x', tokenBinding(FIRST_USER, 'token')), FIRST_USER],
    });
    const run1 = await cli(['rotate', '--execute'], {
      MYSQL_URL: FRESH_URL,
      TOKEN_ENCRYPTION_KEY: `${NEW_KEY},${OLD_KEY}`,
    });
    expect(run1.code).toBe(1);
    expect(run1.stdout).toMatch(/re-encrypted: +999\n/);
    expect(run1.stdout).toMatch(/failed: +1\n/);
    expect(run1.stdout).toContain(`failed: user ${FIRST_USER} (key id 'k9'`);

    // A current key whose id matches stored values but whose material does not: refused before any write.
    const before = await rawRows(fresh);
    const impostor = await cli(['rotate', '--execute'], {
      MYSQL_URL: FRESH_URL,
      TOKEN_ENCRYPTION_KEY: keyOf('k2', 77),
    });
    expect(impostor.code).toBe(1);
    expect(impostor.stderr).toContain("the current key 'k2' cannot decrypt values stored under its own key id");
    expect(await rawRows(fresh)).toEqual(before);
  });
});

describe('npm run cli -- tokens encrypt-legacy', () => {
  it('refuses a key that cannot decrypt the rows already encrypted, and changes nothing', async () => {
    await seedEncrypted(fresh, OLD_KEY);
    await fresh.query('UPDATE bytemark_tokens SET token = ? WHERE user_id = ?', {
      replacements: ['legacy-plaintext-token', FIRST_USER],
    });
    const before = await rawRows(fresh);
    const refused = await cli(['encrypt-legacy', '--execute'], {
      MYSQL_URL: FRESH_URL,
      TOKEN_ENCRYPTION_KEY: WRONG_KEY,
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/cannot decrypt the stored Bytemark tokens: decryption/);
    expect(refused.stderr).toContain("key id 'k1'");
    expect(refused.stderr).toContain('encrypt-legacy refuses');
    expect(refused.stdout + refused.stderr).not.toContain('legacy-plaintext-token');
    expect(await rawRows(fresh)).toEqual(before);

    const done = await cli(['encrypt-legacy', '--execute'], { MYSQL_URL: FRESH_URL, TOKEN_ENCRYPTION_KEY: OLD_KEY });
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('encrypted 1 rows');
  });
});

describe('token storage modes', () => {
  it('a fresh install is encrypted-only: a write stores ciphertext only, and no copy', async () => {
    await fresh.query('TRUNCATE TABLE bytemark_tokens');
    const status = await cli(['status'], { MYSQL_URL: FRESH_URL, TOKEN_ENCRYPTION_KEY: NEW_KEY });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/mode: +encrypted-only\n/);

    const repo = new BytemarkTokensRepository(fresh, TokenCipher.fromKeyring(NEW_KEY));
    await repo.upsertAccount({ userId: 31_501, email: 'e', password: 'pw31501Ab12', token: 'tok-31501' });
    await repo.updateToken(31_501, 'tok-31501-relogin');
    const [row] = await rawRows(fresh);
    expect(row?.password).toMatch(/^enc:v2:k2:/);
    expect(row?.token).toMatch(/^enc:v2:k2:/);
    expect(await copies(fresh)).toEqual([]);
    expect(await repo.findToken(31_501)).toBe('tok-31501-relogin');
  });

  it('an adopted bytemark_tokens is in expand mode: a re-login writes plaintext for the other readers and an encrypted copy; finish-encryption clears the plaintext', async () => {
    const env = { MYSQL_URL: ADOPTED_URL, TOKEN_ENCRYPTION_KEY: NEW_KEY };
    const status = await cli(['status'], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/mode: +expand \(plaintext kept for other readers\)\n/);
    expect(status.stdout).toMatch(/plaintext rows: +3\n/);

    // A re-login (what fetchPassLists does after a 401) and a new account, under the older key.
    const older = new BytemarkTokensRepository(adopted, TokenCipher.fromKeyring(OLD_KEY));
    await older.updateToken(32001, 'tok-32001-relogin');
    await older.upsertAccount({ userId: 32004, email: 'btc.32004@x', password: 'pw32004abc12', token: 'tok-32004' });
    expect((await copies(adopted)).every((c) => (c.token ?? '').startsWith('enc:v2:k1:'))).toBe(true);

    // Rotation covers the encrypted copies; the plaintext columns are left alone.
    const rotate = await cli(['rotate', '--execute'], { ...env, TOKEN_ENCRYPTION_KEY: `${NEW_KEY},${OLD_KEY}` });
    expect(rotate.code).toBe(0);
    expect(rotate.stdout).toMatch(/re-encrypted: +2\n/);
    expect(rotate.stdout).toMatch(/plaintext, left alone: +2\n/);

    const repo = new BytemarkTokensRepository(adopted, TokenCipher.fromKeyring(NEW_KEY));
    const rows = await rawRows(adopted);
    expect(rows.find((r) => r.user_id === 32001)).toMatchObject({
      password: 'pw32001abc12',
      token: 'tok-32001-relogin',
    });
    expect(rows.find((r) => r.user_id === 32004)).toMatchObject({ password: 'pw32004abc12', token: 'tok-32004' });
    const cipher = TokenCipher.fromKeyring(NEW_KEY);
    const copied = await copies(adopted);
    expect(copied.map((c) => c.user_id)).toEqual([32001, 32004]);
    const copy = (userId: number, column: 'password' | 'token') => tokenBinding(userId, column, ENCRYPTED_COPIES_TABLE);
    expect(
      copied.map((c) => [
        c.password && cipher.decrypt(c.password, copy(c.user_id, 'password')),
        c.token && cipher.decrypt(c.token, copy(c.user_id, 'token')),
      ]),
    ).toEqual([
      [null, 'tok-32001-relogin'],
      ['pw32004abc12', 'tok-32004'],
    ]);
    expect(await repo.findToken(32001)).toBe('tok-32001-relogin');
    expect(await repo.findToken(32003)).toBeNull();

    // encrypt-legacy would break the other readers: refused in expand mode.
    const legacy = await cli(['encrypt-legacy', '--execute'], env);
    expect(legacy.code).toBe(1);
    expect(legacy.stderr).toContain('expand mode');

    const before = await rawRows(adopted);
    const dry = await cli(['finish-encryption'], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/to rewrite: +4\n/);
    expect(await rawRows(adopted)).toEqual(before);

    // It cannot be undone: a script must say --yes; without it (and no terminal to ask on) it refuses, exit 2.
    const unconfirmed = await cli(['finish-encryption', '--execute'], env);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(
      /^error: refusing to end expand mode: .* without --yes: stdin is not a terminal/,
    );
    expect(await rawRows(adopted)).toEqual(before);

    const finish = await cli(['finish-encryption', '--execute', '--yes'], env);
    console.log(finish.stdout);
    expect(finish.code).toBe(0);
    expect(finish.stdout).toMatch(/rewritten: +4\n/);
    expect(finish.stdout).toMatch(/plaintext rows left: +0\n/);
    const after = await rawRows(adopted);
    expect(
      after.every((r) => r.password?.startsWith('enc:v2:k2:') && (r.token ?? 'enc:v2:k2:').startsWith('enc:v2:k2:')),
    ).toBe(true);
    expect(JSON.stringify(after)).not.toMatch(/pw3200|tok-3200/);
    expect(await copies(adopted)).toEqual([]);
    expect(await repo.findByUserId(32002)).toMatchObject({ password: 'pw32002abc12', token: 'tok-32002' });

    const now = await cli(['status'], env);
    expect(now.stdout).toMatch(/mode: +encrypted-only\n/);
    expect(now.stdout).toMatch(/plaintext rows: +0\n/);
    const json = await runProcess(
      process.execPath,
      ['--import', 'tsx', CLI, '--json', 'tokens', 'status'],
      env,
      60_000,
    );
    expect(JSON.parse(json.stdout)).toEqual({
      mode: 'encrypted-only',
      rows: 4,
      withToken: 3,
      plaintextRows: 0,
      copiedRows: 0,
      currentKeyId: 'k2',
      keyIds: [{ keyId: 'k2', values: 7, decrypts: true }],
      keyringOk: true,
    });
    // From now on a re-login writes ciphertext only.
    await repo.updateToken(32002, 'tok-32002-relogin');
    expect((await rawRows(adopted)).find((r) => r.user_id === 32002)?.token).toMatch(/^enc:v2:k2:/);
    expect(await copies(adopted)).toEqual([]);
  });
});
