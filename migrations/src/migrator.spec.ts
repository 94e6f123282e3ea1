import { connectMongo, createSequelize, parseMysqlUrl } from '@btc/data';
import { assertTestDatabaseUrl, testMongoUrl, testMysqlUrl } from '@btc/data/testing';
import { createConnection as createMysqlConnection } from 'mysql2/promise';
import { QueryTypes, type Sequelize } from 'sequelize';
import { MigrationStepError, SchemaConflictError } from './errors';
import { ensureMongoIndexes } from './mongo-indexes';
import { createMigrator, migrateDown, migrateUp, migrationStatus } from './migrator';
import { mysqlMigrations } from './mysql/migrations';

const DB = 'bytemark_migr_migrator_test';
const mysqlUrl = testMysqlUrl(DB);
const mongoUrl = testMongoUrl(DB);
const ALL = mysqlMigrations().map((m) => m.name);

async function dropDatabase(): Promise<void> {
  assertTestDatabaseUrl(mysqlUrl);
  const { host, port, user, password, database } = parseMysqlUrl(mysqlUrl);
  const conn = await createMysqlConnection({ host, port, user, password });
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
  } finally {
    await conn.end();
  }
}

async function tables(sequelize: Sequelize): Promise<string[]> {
  const rows = await sequelize.query<{ name: string }>(
    'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME',
    { type: QueryTypes.SELECT },
  );
  return rows.map((r) => r.name).sort();
}

describe('MySQL migrations', () => {
  beforeEach(dropDatabase);
  afterAll(dropDatabase);

  it('up creates the database and every table; up again applies nothing', async () => {
    expect(await migrateUp({ mysqlUrl })).toEqual(ALL);
    expect(await migrateUp({ mysqlUrl })).toEqual([]);
    expect(await migrationStatus({ mysqlUrl })).toMatchObject({ executed: ALL, pending: [] });
    const sequelize = createSequelize(mysqlUrl);
    try {
      expect(await tables(sequelize)).toEqual([
        'SequelizeMeta',
        'btc_migration_adoptions',
        'btc_settings',
        'bytemark_call_pace',
        'bytemark_login_leases',
        'bytemark_refresh_log_failures',
        'bytemark_sweep_runs',
        'bytemark_ticket_cache_state',
        'bytemark_ticket_refresh_log',
        'bytemark_tokens',
        'bytemark_tokens_encrypted',
        'bytemark_user_tombstones',
        'hntb_bytemark_pass',
        'hntb_trip',
      ]);
    } finally {
      await sequelize.close();
    }
  });

  it('up, down to 0, up again works and leaves the same schema', async () => {
    await migrateUp({ mysqlUrl });
    expect(await migrateDown({ mysqlUrl, confirmed: true })).toEqual([ALL[ALL.length - 1]]);
    expect(await migrateDown({ mysqlUrl, confirmed: true, to: '0003_create_hntb_bytemark_pass' })).toEqual([
      '0010_add_refresh_scheduling',
      '0009_add_token_storage_mode',
      '0008_create_bytemark_refresh_log_failures',
      '0007_create_bytemark_call_pace',
      '0006_create_bytemark_ticket_cache_state',
      '0005_add_hntb_bytemark_pass_analytics_indexes',
      '0004_create_hntb_trip',
      '0003_create_hntb_bytemark_pass',
    ]);
    expect(await migrateDown({ mysqlUrl, confirmed: true, to: 0 })).toEqual([
      '0002_create_bytemark_ticket_refresh_log',
      '0001_create_bytemark_tokens',
    ]);
    const sequelize = createSequelize(mysqlUrl);
    try {
      expect(await tables(sequelize)).toEqual(['SequelizeMeta', 'btc_migration_adoptions']);
      expect(await migrateUp({ mysqlUrl })).toEqual(ALL);
      expect(await tables(sequelize)).toHaveLength(14);
    } finally {
      await sequelize.close();
    }
  });

  it("0011 moves 0010's tombstones into bytemark_user_tombstones (their state rows go) and down moves them back", async () => {
    const upTo0010 = mysqlMigrations().slice(0, ALL.indexOf('0010_add_refresh_scheduling') + 1);
    await migrateUp({ mysqlUrl, migrations: upTo0010 });
    const sequelize = createSequelize(mysqlUrl);
    const rows = (sql: string) => sequelize.query<Record<string, unknown>>(sql, { type: QueryTypes.SELECT });
    try {
      await sequelize.query(`
        INSERT INTO bytemark_ticket_cache_state (user_id, checked_at, pass_count, outcome, refresh_trigger, run_ref, purged_at)
        VALUES (1, 10, 0, 'purged', 'purge', '', 700), (2, 20, 3, 'built', 'hourly', 'r', NULL)`);
      await migrateUp({ mysqlUrl });
      expect(await rows('SELECT user_id, purged_at FROM bytemark_user_tombstones')).toEqual([
        { user_id: 1, purged_at: 700 },
      ]);
      expect(await rows('SELECT user_id FROM bytemark_ticket_cache_state')).toEqual([{ user_id: 2 }]);

      expect(await migrateDown({ mysqlUrl, confirmed: true })).toEqual(['0011_create_bytemark_user_tombstones']);
      expect(await rows('SELECT user_id, purged_at FROM bytemark_ticket_cache_state ORDER BY user_id')).toEqual([
        { user_id: 1, purged_at: 700 },
        { user_id: 2, purged_at: null },
      ]);
      expect(await tables(sequelize)).not.toContain('bytemark_user_tombstones');
    } finally {
      await sequelize.close();
    }
  });

  it('a migration that fails part-way leaves no partial table and rethrows with its cause', async () => {
    const boom = new Error('injected failure after CREATE TABLE');
    const sequelize = createSequelize(mysqlUrl);
    await migrateUp({ mysqlUrl, migrations: mysqlMigrations().slice(0, 2) });
    let seenTablesAtFailure: string[] = [];
    const migrator = createMigrator(sequelize, {
      migrations: mysqlMigrations({
        hntbBytemarkPass: {
          afterCreateTable: async (s) => {
            seenTablesAtFailure = await tables(s);
            throw boom;
          },
        },
      }),
    });
    try {
      const failure = await migrator.up().then(
        () => null,
        (error: unknown) => error as Error & { cause?: unknown },
      );
      expect(seenTablesAtFailure).toContain('hntb_bytemark_pass');
      // umzug wraps the migration's error; its cause is ours, whose cause is the original.
      const stepError = failure?.cause;
      expect(stepError).toBeInstanceOf(MigrationStepError);
      expect((stepError as MigrationStepError).cause).toBe(boom);
      expect((stepError as MigrationStepError).message).toMatch(
        /0003_create_hntb_bytemark_pass failed at 'after create table'.*injected failure/,
      );
      expect(await tables(sequelize)).not.toContain('hntb_bytemark_pass');
      expect((await migrator.executed()).map((m) => m.name)).toEqual(ALL.slice(0, 2));

      expect(await migrateUp({ mysqlUrl })).toEqual(ALL.slice(2));
    } finally {
      await sequelize.close();
    }
  });

  it('a hntb_bytemark_pass that existed before the run in another shape stops the run and is never dropped', async () => {
    await migrateUp({ mysqlUrl, migrations: mysqlMigrations().slice(0, 2) });
    const sequelize = createSequelize(mysqlUrl);
    try {
      await sequelize.query('CREATE TABLE hntb_bytemark_pass (bytemark_pass_id INT UNSIGNED PRIMARY KEY)');
      await sequelize.query('INSERT INTO hntb_bytemark_pass VALUES (1)');
      await expect(migrateUp({ mysqlUrl })).rejects.toThrow(SchemaConflictError);
      // the same check guards umzug's own run, for callers that skip migrateUp's plan
      await expect(createMigrator(sequelize).up()).rejects.toThrow(/hntb_bytemark_pass.*column user_id: missing/s);
      const [row] = await sequelize.query<{ n: number }>('SELECT COUNT(*) AS n FROM hntb_bytemark_pass', {
        type: QueryTypes.SELECT,
      });
      expect(Number(row?.n)).toBe(1);
    } finally {
      await sequelize.close();
    }
  });
});

describe('MongoDB index setup (FerretDB)', () => {
  it('creates the indexes idempotently and the cache index enforces one document per user', async () => {
    const conn = await connectMongo(mongoUrl);
    try {
      await conn.dropDatabase();
      await ensureMongoIndexes(conn);
      await ensureMongoIndexes(conn);
      const db = conn.db!;
      const cacheIndexes = await db.collection('bytemark_tickets_cache').indexes();
      expect(cacheIndexes).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'user_id_unique', key: { user_id: 1 }, unique: true }),
          expect.objectContaining({ name: 'timestamp', key: { timestamp: 1 } }),
        ]),
      );
      expect(await db.collection('bytemark_tickets_log').indexes()).toEqual(
        expect.arrayContaining([expect.objectContaining({ key: { user_id: 1, timestamp: -1 } })]),
      );
      expect(await db.collection('bytemark_pass_staging').indexes()).toEqual(
        expect.arrayContaining([expect.objectContaining({ key: { created_at: 1 } })]),
      );
      await db.collection('bytemark_tickets_cache').insertOne({ user_id: 1, timestamp: 1 });
      await expect(
        db.collection('bytemark_tickets_cache').insertOne({ user_id: 1, timestamp: 2 }),
      ).rejects.toMatchObject({
        code: 11000,
      });
    } finally {
      await conn.dropDatabase();
      await conn.close();
    }
  });
});
