import { createCipheriv, randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { QueryTypes, type Sequelize } from 'sequelize';
import { BYTEMARK_TOKENS_TABLE } from './tokens/bytemark-tokens.model';
import { createSequelize, ensureMysqlDatabase, parseMysqlUrl } from './connections';
import { connectMongo, mongoDatabaseName } from './mongo/mongo-connection';
import { DatabaseUrlError } from './errors';
import { REFRESH_LOG_FAILURES_TABLE, REFRESH_LOG_TABLE } from './queue/refresh-log.table';
import { TICKET_CACHE_STATE_TABLE } from './cache/ticket-cache-state.repository';
import { CALL_PACE_TABLE } from './pacing/bytemark-call-pacer';
import { LOGIN_LEASES_TABLE } from './tokens/login-leases.repository';
import { SWEEP_RUNS_TABLE } from './queue/sweep-runs.repository';
import { USER_TOMBSTONES_TABLE } from './user-tombstones.repository';
import { ENCRYPTED_COPIES_TABLE } from './tokens/token-storage.table';

/** A fixed keyring for tests only (two keys: `t2` current, `t1` older). Never use outside tests. */
/**
 * A value as this service wrote it before ciphertext version 2: `enc:v1:`, AES-256-GCM without
 * additional data (bound to nothing). For tests of the upgrade path.
 */
export function encryptV1(plain: string, keyId: string, keyBase64: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(keyBase64, 'base64'), iv);
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const b64 = (b: Buffer) => b.toString('base64url');
  return `enc:v1:${keyId}:${b64(iv)}:${b64(cipher.getAuthTag())}:${b64(ct)}`;
}

export const TEST_TOKEN_KEYRING = `t2:${Buffer.alloc(32, 2).toString('base64')},t1:${Buffer.alloc(32, 1).toString('base64')}`;

/** The tables tests may truncate. */
export const TEST_MYSQL_TABLES = [
  BYTEMARK_TOKENS_TABLE,
  ENCRYPTED_COPIES_TABLE,
  REFRESH_LOG_TABLE,
  REFRESH_LOG_FAILURES_TABLE,
  TICKET_CACHE_STATE_TABLE,
  CALL_PACE_TABLE,
  SWEEP_RUNS_TABLE,
  LOGIN_LEASES_TABLE,
  USER_TOMBSTONES_TABLE,
  'hntb_bytemark_pass',
  'hntb_trip',
] as const;

/** Test database URLs: `TEST_MYSQL_URL` / `TEST_MONGO_URL`, defaulting to the local stack's `bytemark_test`. */
export function testDatabaseUrls(): { mysqlUrl: string; mongoUrl: string } {
  const urls = {
    mysqlUrl: process.env['TEST_MYSQL_URL'] ?? 'mysql://root@127.0.0.1:3306/bytemark_test',
    mongoUrl: process.env['TEST_MONGO_URL'] ?? 'mongodb://127.0.0.1:27017/bytemark_test',
  };
  assertTestDatabaseUrl(urls.mysqlUrl);
  assertTestDatabaseUrl(urls.mongoUrl);
  return urls;
}

/** Throws unless the URL names a database ending in `_test`: destructive helpers refuse to run anywhere else. */
export function assertTestDatabaseUrl(url: string): void {
  const name = url.startsWith('mysql:') ? parseMysqlUrl(url).database : mongoDatabaseName(url);
  if (!name.endsWith('_test')) {
    throw new DatabaseUrlError(
      `refusing to touch database '${name}': test helpers only run on databases whose name ends in _test`,
    );
  }
}

/** `testDatabaseUrls()` with the MySQL database name replaced (e.g. `bytemark_migrations_test`). */
export function testMysqlUrl(database: string): string {
  const url = new URL(testDatabaseUrls().mysqlUrl);
  url.pathname = `/${database}`;
  const result = url.toString();
  assertTestDatabaseUrl(result);
  return result;
}

/** `testDatabaseUrls()` with the MongoDB database name replaced (guarded like `testMysqlUrl`). */
export function testMongoUrl(database: string): string {
  const url = new URL(testDatabaseUrls().mongoUrl);
  url.pathname = `/${database}`;
  const result = url.toString();
  assertTestDatabaseUrl(result);
  return result;
}

/**
 * A throwaway `_test` database with an account of its own that has a password, for tests that run a
 * process with a password-bearing `MYSQL_URL` (what a failing command prints). `reset` drops and
 * creates both again with `grants` on the database; `drop` removes both.
 */
export function throwawayMysqlAccount(p: { database: string; user: string; password: string }) {
  const rootUrl = testMysqlUrl(p.database);
  const userUrl = (password = p.password) => {
    const url = new URL(rootUrl);
    url.username = p.user;
    url.password = password;
    return url.toString();
  };
  return {
    rootUrl,
    mongoUrl: testMongoUrl(p.database),
    userUrl,
    async reset(root: Sequelize, grants: string): Promise<void> {
      await root.query(`DROP DATABASE IF EXISTS \`${p.database}\``);
      await root.query(`CREATE DATABASE \`${p.database}\` CHARACTER SET utf8mb4`);
      await root.query(`DROP USER IF EXISTS '${p.user}'@'%'`);
      await root.query(`CREATE USER '${p.user}'@'%' IDENTIFIED BY '${p.password}'`);
      await root.query(`GRANT ${grants} ON \`${p.database}\`.* TO '${p.user}'@'%'`);
    },
    async drop(root: Sequelize): Promise<void> {
      await root.query(`DROP USER IF EXISTS '${p.user}'@'%'`);
      await root.query(`DROP DATABASE IF EXISTS \`${p.database}\``);
    },
  };
}

/** Creates the MySQL test database if missing (guarded). */
export async function ensureTestMysqlDatabase(mysqlUrl: string): Promise<void> {
  assertTestDatabaseUrl(mysqlUrl);
  await ensureMysqlDatabase(mysqlUrl);
}

function assertTestSequelize(sequelize: Sequelize): void {
  const name = sequelize.getDatabaseName();
  if (!name.endsWith('_test')) throw new DatabaseUrlError(`refusing to clear database '${name}': not a _test database`);
}

/**
 * Throws a clear message when the test database has not been migrated. The schema comes only from
 * the migrations (`@btc/migrations`; this lib cannot import them): `npm test` migrates the test
 * database, and `libs/data`'s Jest global setup runs the migration CLI against it.
 */
export async function assertTestSchema(sequelize: Sequelize): Promise<void> {
  const rows = await sequelize.query<{ name: string }>(
    'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()',
    { type: QueryTypes.SELECT },
  );
  const present = new Set(rows.map((r) => r.name));
  const missing = [BYTEMARK_TOKENS_TABLE, REFRESH_LOG_TABLE].filter((t) => !present.has(t));
  if (missing.length > 0) {
    throw new Error(
      `test database ${sequelize.getDatabaseName()} lacks ${missing.join(', ')}: run 'MYSQL_URL=<test url> npm run migrate -- up' first`,
    );
  }
}

/** Empties the given tables (default: all data-layer tables present) in a `_test` database. */
export async function truncateMysqlTables(
  sequelize: Sequelize,
  tables: readonly string[] = TEST_MYSQL_TABLES,
): Promise<void> {
  assertTestSequelize(sequelize);
  for (const table of tables) {
    const [exists] = await sequelize.query<{ n: number }>(
      'SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
      { replacements: [table], type: QueryTypes.SELECT },
    );
    if (Number(exists?.n) > 0) await sequelize.query(`TRUNCATE TABLE \`${table}\``);
  }
}

/** Deletes every document of every collection in a `_test` MongoDB database (indexes are kept). */
export async function clearMongoCollections(conn: Connection): Promise<void> {
  const name = conn.db?.databaseName ?? '';
  if (!name.endsWith('_test'))
    throw new DatabaseUrlError(`refusing to clear MongoDB database '${name}': not a _test database`);
  const collections = await conn.db!.listCollections({}, { nameOnly: true }).toArray();
  for (const c of collections) await conn.db!.collection(c.name).deleteMany({});
}

/** Connections to the (guarded) test databases; `close()` in `afterAll`. */
export async function openTestConnections(): Promise<{
  sequelize: Sequelize;
  mongo: Connection;
  close(): Promise<void>;
}> {
  const { mysqlUrl, mongoUrl } = testDatabaseUrls();
  await ensureTestMysqlDatabase(mysqlUrl);
  const sequelize = createSequelize(mysqlUrl);
  const mongo = await connectMongo(mongoUrl);
  return {
    sequelize,
    mongo,
    async close() {
      await Promise.allSettled([sequelize.close(), mongo.close()]);
    },
  };
}

/** A realistic Bytemark pass payload (~1 KB of JSON), deterministic for a given index. */
export function samplePassPayload(i: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const uuid = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  return {
    uuid,
    status: i % 3 === 0 ? 'USING' : 'USABLE',
    product_uuid: '2417edb7-856c-43ee-b3df-c508b8be259b',
    order_uuid: `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    order_item: { uuid: `20000000-0000-4000-8000-${String(i).padStart(12, '0')}` },
    label_name: 'METRO Local Day Pass',
    label_short_name: 'Day Pass',
    time_created: `2025-03-${String((i % 28) + 1).padStart(2, '0')}T14:${String(i % 60).padStart(2, '0')}:00Z`,
    time_modified: '2025-03-13T02:37:54Z',
    time_purchased: '2025-03-13T02:37:54Z',
    expiration: '2025-04-13T05:59:59Z',
    first_use: i % 3 === 0 ? '2025-03-14T12:00:00Z' : null,
    allowed_uses: 1,
    uses_count: i % 3 === 0 ? 1 : 0,
    serial: 100000 + i,
    product_type: 'PASS',
    expiration_rule_uuid: '30000000-0000-4000-8000-000000000001',
    locked_to_device: false,
    activation_restrictions: { max_activations: 1, window_minutes: 180, zones: ['LOCAL', 'PARK_RIDE'] },
    events: [{ type: 'PURCHASE', time: '2025-03-13T02:37:54Z', device: 'ios-17.4' }],
    pass_events: [],
    product: {
      uuid: '2417edb7-856c-43ee-b3df-c508b8be259b',
      name: 'METRO Local Day Pass - 0',
      theme: { primary_color: '#0066CC', secondary_color: '#FFFFFF', logo_url: 'https://cdn.example.com/metro.png' },
      sale_price: 0,
      list_price: 300,
    },
    ...overrides,
  };
}
