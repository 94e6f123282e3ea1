import { connectMongo, createSequelize, ensureMysqlDatabase, parseMysqlUrl } from '@btc/data';
import { createConnection as createMysqlConnection } from 'mysql2/promise';
import type { Sequelize } from 'sequelize';
import { SequelizeStorage, Umzug, type LogFn } from 'umzug';
import { ensureMongoIndexes } from './mongo-indexes';
import type { MysqlMigration } from './mysql/migration';
import { mysqlMigrations } from './mysql/migrations';

export type MigrationLogger = Record<'info' | 'warn' | 'error' | 'debug', LogFn>;

export interface MigratorOptions {
  /** Structured logger (pino works); silent by default. */
  logger?: MigrationLogger;
  /** Override the migration list (tests inject a failing step). */
  migrations?: MysqlMigration[];
}

/** Umzug over the MySQL migrations, with executed names kept in the `SequelizeMeta` table. */
export function createMigrator(sequelize: Sequelize, opts: MigratorOptions = {}): Umzug<Sequelize> {
  return new Umzug<Sequelize>({
    migrations: opts.migrations ?? mysqlMigrations(),
    context: sequelize,
    storage: new SequelizeStorage({ sequelize, tableName: 'SequelizeMeta' }),
    logger: opts.logger,
  });
}

/**
 * Serialises migration runs on one database across processes (MySQL named lock on a dedicated
 * connection), so `npm start`, `npm test` and the CLI never apply the same migration twice.
 */
async function withMigrationLock<T>(mysqlUrl: string, fn: () => Promise<T>): Promise<T> {
  const { host, port, user, password, database } = parseMysqlUrl(mysqlUrl);
  const conn = await createMysqlConnection({ host, port, user, password, connectTimeout: 5_000 });
  const lock = `btc:migrations:${database}`;
  try {
    const [rows] = await conn.query('SELECT GET_LOCK(?, 120) AS got', [lock]);
    const got = (rows as Array<{ got: number | null }>)[0]?.got;
    if (Number(got) !== 1) throw new Error(`timed out waiting for the migration lock on ${database}`);
    try {
      return await fn();
    } finally {
      await conn.query('DO RELEASE_LOCK(?)', [lock]);
    }
  } finally {
    await conn.end();
  }
}

export interface MigrateUpParams extends MigratorOptions {
  mysqlUrl: string;
  /** When given, the MongoDB indexes are ensured after the MySQL migrations. */
  mongoUrl?: string;
}

/** Creates the database if missing, applies pending MySQL migrations, then ensures MongoDB indexes. Returns the applied migration names. */
export async function migrateUp(p: MigrateUpParams): Promise<string[]> {
  await ensureMysqlDatabase(p.mysqlUrl);
  const applied = await withMigrationLock(p.mysqlUrl, async () => {
    const sequelize = createSequelize(p.mysqlUrl, { pool: { max: 2 } });
    try {
      const done = await createMigrator(sequelize, p).up();
      return done.map((m) => m.name);
    } finally {
      await sequelize.close();
    }
  });
  if (p.mongoUrl) {
    const mongo = await connectMongo(p.mongoUrl);
    try {
      await ensureMongoIndexes(mongo);
    } finally {
      await mongo.close();
    }
  }
  return applied;
}

export interface MigrateDownParams extends MigratorOptions {
  mysqlUrl: string;
  /** Revert down to and including this migration; `0` reverts all; omitted reverts the last one. */
  to?: string | 0;
}

/** Reverts MySQL migrations (MongoDB indexes are left alone). Returns the reverted names, newest first. */
export async function migrateDown(p: MigrateDownParams): Promise<string[]> {
  return withMigrationLock(p.mysqlUrl, async () => {
    const sequelize = createSequelize(p.mysqlUrl, { pool: { max: 2 } });
    try {
      const migrator = createMigrator(sequelize, p);
      const done = p.to === undefined ? await migrator.down() : await migrator.down({ to: p.to });
      return done.map((m) => m.name);
    } finally {
      await sequelize.close();
    }
  });
}

/** Executed and pending migration names. */
export async function migrationStatus(p: { mysqlUrl: string }): Promise<{ executed: string[]; pending: string[] }> {
  await ensureMysqlDatabase(p.mysqlUrl);
  const sequelize = createSequelize(p.mysqlUrl, { pool: { max: 2 } });
  try {
    const migrator = createMigrator(sequelize);
    const [executed, pending] = await Promise.all([migrator.executed(), migrator.pending()]);
    return { executed: executed.map((m) => m.name), pending: pending.map((m) => m.name) };
  } finally {
    await sequelize.close();
  }
}
