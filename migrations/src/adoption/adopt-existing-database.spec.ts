import { createSequelize, ensureMysqlDatabase } from '@btc/data';
import { assertTestDatabaseUrl, testMysqlUrl } from '@btc/data/testing';
import { QueryTypes, type Sequelize } from 'sequelize';
import { SchemaConflictError } from '../errors';
import { migrateDown, migrateUp, migrationStatus } from '../migrator';
import { mysqlMigrations } from '../mysql/migrations';
import { ADOPTIONS_TABLE, readAdoptions, recordAdoption } from './adoption-records';
import { createOriginalPlatformTables, DIFFERING_DDL, ORIGINAL_DDL, snapshotTables } from './original-platform.fixture';
import { compareIndexes, compareTable } from './compare-table';
import { readTable, tableNames } from './read-table';

const mysqlUrl = testMysqlUrl('bytemark_migr_adopt_test');
const ALL = mysqlMigrations().map((m) => m.name);
const ORIGINAL_TABLES = Object.keys(ORIGINAL_DDL);

let sequelize: Sequelize;

async function freshDatabase(): Promise<void> {
  assertTestDatabaseUrl(mysqlUrl);
  await ensureMysqlDatabase(mysqlUrl);
  const tables = await tableNames(sequelize);
  for (const t of tables) await sequelize.query(`DROP TABLE \`${t}\``);
}

async function count(table: string): Promise<number> {
  const [row] = await sequelize.query<{ n: number }>(`SELECT COUNT(*) AS n FROM \`${table}\``, {
    type: QueryTypes.SELECT,
  });
  return Number(row?.n);
}

beforeAll(async () => {
  await ensureMysqlDatabase(mysqlUrl);
  sequelize = createSequelize(mysqlUrl, { pool: { max: 2 } });
});
beforeEach(freshDatabase);
afterAll(async () => {
  await sequelize.query('DROP DATABASE IF EXISTS bytemark_migr_adopt_test');
  await sequelize.close();
});

describe('migrate up on a database the original platform created', () => {
  it('adopts the original tables without changing a row or a column, and creates only what is missing', async () => {
    await createOriginalPlatformTables(sequelize);
    const before = await snapshotTables(sequelize, ORIGINAL_TABLES);

    expect(await migrateUp({ mysqlUrl })).toEqual(ALL);

    expect(await snapshotTables(sequelize, ORIGINAL_TABLES)).toEqual(before);
    const adoptions = await readAdoptions(sequelize);
    expect(Object.fromEntries([...adoptions.values()].map((r) => [r.migration, r.action]))).toEqual({
      '0001_create_bytemark_tokens': 'adopted',
      '0002_create_bytemark_ticket_refresh_log': 'adopted',
      '0003_create_hntb_bytemark_pass': 'created',
      '0004_create_hntb_trip': 'adopted',
      '0005_add_hntb_bytemark_pass_analytics_indexes': 'created',
      '0006_create_bytemark_ticket_cache_state': 'created',
      '0007_create_bytemark_call_pace': 'created',
      '0008_create_bytemark_refresh_log_failures': 'created',
    });
    // The differences it accepted are kept with the record.
    expect(adoptions.get('0001_create_bytemark_tokens')?.notes).toMatch(/column token: varchar\(255\) here/);
    expect(await tableNames(sequelize)).toEqual(
      expect.arrayContaining(['hntb_bytemark_pass', 'bytemark_ticket_cache_state', ADOPTIONS_TABLE]),
    );
  });

  it('reports knex_migrations as the original history and leaves it alone', async () => {
    await createOriginalPlatformTables(sequelize);
    const status = await migrationStatus({ mysqlUrl });
    expect(status.plan?.knex).toEqual({
      count: 2,
      latest: '20230918101500_add_user_id_unique_idx_to_bytemark_tokens.js',
    });
    await migrateUp({ mysqlUrl });
    expect(await count('knex_migrations')).toBe(2);
    expect(await count('knex_migrations_lock')).toBe(1);
  });

  it('a table that differs stops the run before anything is created, altered or recorded', async () => {
    await createOriginalPlatformTables(sequelize, DIFFERING_DDL);
    const tablesBefore = await tableNames(sequelize);
    const before = await snapshotTables(sequelize, tablesBefore);

    const failure = await migrateUp({ mysqlUrl }).then(
      () => null,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(SchemaConflictError);
    const plan = (failure as SchemaConflictError).plan;
    const stops = plan.steps.flatMap((s) =>
      s.findings.filter((f) => f.severity === 'stop').map((f) => `${s.table} ${f.subject}: ${f.text}`),
    );
    expect(stops).toEqual([
      'bytemark_tokens column token: varchar(100) here; this project needs at least 255 characters (we create varchar(2048))',
      "bytemark_tokens index user_id_unique_idx__001: unique (user_id) missing; this project's writes rely on it",
      'bytemark_ticket_refresh_log column scheduled_on: varchar(32) here, we create datetime: incompatible type',
      'bytemark_ticket_refresh_log column modified_on: missing; this project needs it (datetime NOT NULL)',
    ]);
    expect(plan.steps.map((s) => `${s.action} ${s.migration}`)).toEqual([
      'stop 0001_create_bytemark_tokens',
      'stop 0002_create_bytemark_ticket_refresh_log',
      'create 0003_create_hntb_bytemark_pass',
      'adopt 0004_create_hntb_trip',
      'create 0005_add_hntb_bytemark_pass_analytics_indexes',
      'create 0006_create_bytemark_ticket_cache_state',
      'create 0007_create_bytemark_call_pace',
      'create 0008_create_bytemark_refresh_log_failures',
      'run 0009_add_token_storage_mode',
      'run 0010_add_refresh_scheduling',
      'run 0011_create_bytemark_user_tombstones',
    ]);
    expect(await tableNames(sequelize)).toEqual(tablesBefore);
    expect(await snapshotTables(sequelize, tablesBefore)).toEqual(before);
  });

  it('hntb_trip is created where none exists, and left alone (recorded as adopted) whatever the shape of an existing one', async () => {
    await sequelize.query(ORIGINAL_DDL.hntb_trip);
    const before = await snapshotTables(sequelize, ['hntb_trip']);
    await migrateUp({ mysqlUrl });
    expect(await snapshotTables(sequelize, ['hntb_trip'])).toEqual(before);
    expect((await readAdoptions(sequelize)).get('0004_create_hntb_trip')?.action).toBe('adopted');

    await freshDatabase();
    await migrateUp({ mysqlUrl });
    expect((await readTable(sequelize, 'hntb_trip'))?.columns.map((c) => c.name)).toEqual([
      'trip_id',
      'user_id',
      'started_on',
      'travel_mode',
    ]);
    expect((await readAdoptions(sequelize)).get('0004_create_hntb_trip')?.action).toBe('created');
  });

  it('down to 0 never drops an adopted table, and drops what it created', async () => {
    await createOriginalPlatformTables(sequelize);
    const before = await snapshotTables(sequelize, ORIGINAL_TABLES);
    await migrateUp({ mysqlUrl });

    expect(await migrateDown({ mysqlUrl, to: 0, confirmed: true })).toEqual([...ALL].reverse());

    expect(await snapshotTables(sequelize, ORIGINAL_TABLES)).toEqual(before);
    const left = await tableNames(sequelize);
    expect(left).not.toContain('hntb_bytemark_pass');
    expect(left).not.toContain('bytemark_ticket_cache_state');
    expect((await readAdoptions(sequelize)).size).toBe(0);
    // and up again adopts the same tables again
    await migrateUp({ mysqlUrl });
    expect((await readAdoptions(sequelize)).get('0001_create_bytemark_tokens')?.action).toBe('adopted');
  });

  it('0005 adopts analytics indexes that already exist, and stops when only one of them does', async () => {
    await migrateUp({ mysqlUrl, migrations: mysqlMigrations().slice(0, 4) });
    await sequelize.query('ALTER TABLE hntb_bytemark_pass ADD INDEX idx__logged_on (logged_on)');
    await expect(migrateUp({ mysqlUrl })).rejects.toThrow(/idx__user_id__logged_on.*missing/s);

    await sequelize.query('ALTER TABLE hntb_bytemark_pass ADD INDEX by_user_time (user_id, logged_on)');
    await migrateUp({ mysqlUrl });
    expect((await readAdoptions(sequelize)).get('0005_add_hntb_bytemark_pass_analytics_indexes')).toMatchObject({
      action: 'adopted',
      notes: expect.stringContaining('present as by_user_time'),
    });
    // reverting 0005 leaves the indexes it did not create
    await migrateDown({ mysqlUrl, confirmed: true, to: '0005_add_hntb_bytemark_pass_analytics_indexes' });
    expect((await readTable(sequelize, 'hntb_bytemark_pass'))?.indexes.map((i) => i.name)).toEqual(
      expect.arrayContaining(['by_user_time', 'idx__logged_on']),
    );
  });
});

describe('migrate up after an interrupted run', () => {
  it('a table created by a run that died before umzug recorded it is still ours: recorded as created, and down drops it', async () => {
    // The state a crash leaves between CREATE TABLE and umzug's SequelizeMeta insert.
    await recordAdoption(sequelize, {
      migration: '0001_create_bytemark_tokens',
      tableName: 'bytemark_tokens',
      action: 'created',
      findings: [],
    });
    await mysqlMigrations()[0]?.up({ context: sequelize });

    const status = await migrationStatus({ mysqlUrl });
    expect(status.plan?.steps[0]).toMatchObject({ action: 'adopt', createdEarlier: true });
    await migrateUp({ mysqlUrl });
    expect((await readAdoptions(sequelize)).get('0001_create_bytemark_tokens')?.action).toBe('created');
    await migrateDown({ mysqlUrl, to: 0, confirmed: true });
    expect(await tableNames(sequelize)).not.toContain('bytemark_tokens');
  });
});

describe('each migration describes exactly what it creates', () => {
  it.each(mysqlMigrations().map((m, i) => [m.name, i] as const))(
    '%s creates a table (or indexes) with no difference from its description',
    async (_name, index) => {
      const migrations = mysqlMigrations();
      await migrateUp({ mysqlUrl, migrations: migrations.slice(0, index + 1) });
      const creates = migrations[index]?.creates;
      if (!creates) return;
      if (creates.kind === 'table') {
        const actual = await readTable(sequelize, creates.spec.table);
        expect(actual && compareTable(creates.spec, actual)).toEqual([]);
      } else {
        const actual = await readTable(sequelize, creates.table);
        expect(
          compareIndexes(creates.indexes, actual?.indexes ?? []).filter((f) => !/not created by us/.test(f.text)),
        ).toEqual([]);
      }
    },
  );
});
