import { connectMongo, createSequelize, ensureMysqlDatabase } from '@btc/data';
import type { Sequelize } from 'sequelize';
import { SequelizeStorage, Umzug, type LogFn, type RunnableMigration } from 'umzug';
import { forgetAdoption, readAdoptions, recordAdoption } from './adoption/adoption-records';
import { inspectMigration } from './adoption/inspect-migration';
import { planDown, planUp, type DownPlan, type UpPlan } from './adoption/plans';
import { DownNotConfirmedError, ProductionDropRefusedError, SchemaConflictError } from './errors';
import { ensureMongoIndexes } from './mongo-indexes';
import { databaseExists, withMigrationLock } from './mysql-server';
import type { MysqlMigration } from './mysql/migration';
import { mysqlMigrations } from './mysql/migrations';

export type MigrationLogger = Record<'info' | 'warn' | 'error' | 'debug', LogFn>;

/** Tables `down` never drops when `production` is set. */
export const PROTECTED_TABLES: readonly string[] = ['bytemark_tokens'];

export interface MigratorOptions {
  /** umzug's structured logger; silent by default. */
  logger?: MigrationLogger;
  /** Override the migration list (tests inject a failing step). */
  migrations?: MysqlMigration[];
  /** One human-readable line per migration created, adopted or reverted. */
  onProgress?: (line: string) => void;
}

/**
 * Wraps a migration so that `up` creates only what does not exist yet: it inspects the database
 * first, records an existing compatible table (or indexes) as adopted without touching it, and
 * refuses one that differs. `down` never drops what was adopted.
 */
function adopting(m: MysqlMigration, opts: MigratorOptions): RunnableMigration<Sequelize> {
  const progress = (line: string) => opts.onProgress?.(line);
  return {
    name: m.name,
    async up({ context: sequelize }) {
      if (!m.creates) {
        await m.up({ context: sequelize });
        progress(`applied  ${m.name}`);
        return;
      }
      const step = await inspectMigration(sequelize, m, (await readAdoptions(sequelize)).get(m.name));
      if (step.action === 'stop') {
        throw new SchemaConflictError({
          database: sequelize.getDatabaseName(),
          knex: null,
          executed: [],
          steps: [step],
        });
      }
      const tableName = step.table ?? '';
      if (step.action === 'adopt') {
        const action = step.createdEarlier ? 'created' : 'adopted';
        await recordAdoption(sequelize, { migration: m.name, tableName, action, findings: step.findings });
        progress(
          `${action.padEnd(8)} ${m.name} (${tableName} ${step.createdEarlier ? 'already there' : 'left as it is'})`,
        );
        return;
      }
      // Recorded first: MySQL DDL is not transactional, and a run interrupted after CREATE TABLE must
      // still know, next time, that the table is ours.
      await recordAdoption(sequelize, { migration: m.name, tableName, action: 'created', findings: [] });
      try {
        await m.up({ context: sequelize });
      } catch (error) {
        await forgetAdoption(sequelize, m.name).catch(() => undefined);
        throw error;
      }
      progress(`created  ${m.name} (${tableName})`);
    },
    async down({ context: sequelize }) {
      const record = (await readAdoptions(sequelize)).get(m.name);
      if (record?.action === 'adopted') {
        progress(`kept     ${m.name} (${record.tableName} was adopted: left as it is)`);
      } else {
        await m.down({ context: sequelize });
        progress(`reverted ${m.name}`);
      }
      await forgetAdoption(sequelize, m.name);
    },
  };
}

/** Umzug over the MySQL migrations (adopting existing tables), with executed names kept in `SequelizeMeta`. */
export function createMigrator(sequelize: Sequelize, opts: MigratorOptions = {}): Umzug<Sequelize> {
  return new Umzug<Sequelize>({
    migrations: (opts.migrations ?? mysqlMigrations()).map((m) => adopting(m, opts)),
    context: sequelize,
    storage: new SequelizeStorage({ sequelize, tableName: 'SequelizeMeta' }),
    logger: opts.logger,
  });
}

export interface MigrateUpParams extends MigratorOptions {
  mysqlUrl: string;
  /** When given, the MongoDB indexes are ensured after the MySQL migrations. */
  mongoUrl?: string;
  /** Called with the plan (what each pending migration will do) once it is known to be safe, before anything runs. */
  onPlan?: (plan: UpPlan) => void;
}

/**
 * Creates the database if missing, then checks every pending migration against the database as it
 * is: when an existing table differs in a way this project cannot work with, throws
 * `SchemaConflictError` before changing anything. Otherwise creates what is missing, adopts what
 * exists, and ensures the MongoDB indexes. Returns the names now recorded as executed.
 */
export async function migrateUp(p: MigrateUpParams): Promise<string[]> {
  await ensureMysqlDatabase(p.mysqlUrl);
  const applied = await withMigrationLock(p.mysqlUrl, async () => {
    const sequelize = createSequelize(p.mysqlUrl, { pool: { max: 2 } });
    try {
      const migrations = p.migrations ?? mysqlMigrations();
      const plan = await planUp(sequelize, migrations);
      if (plan.steps.some((s) => s.action === 'stop')) throw new SchemaConflictError(plan);
      p.onPlan?.(plan);
      if (plan.steps.length === 0) return [];
      const done = await createMigrator(sequelize, { ...p, migrations }).up();
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
  /** Without it nothing is reverted: `DownNotConfirmedError` carries the plan. */
  confirmed?: boolean;
  /** NODE_ENV=production: a plan that would drop a protected table is refused even when confirmed. */
  production?: boolean;
  /** Called with the plan once it is confirmed and allowed, before anything is reverted. */
  onPlan?: (plan: DownPlan) => void;
}

/**
 * Reverts MySQL migrations (MongoDB indexes are left alone), only with `confirmed: true`. Adopted
 * tables are never dropped; in production `bytemark_tokens` is never dropped. Returns the reverted
 * names, newest first.
 */
export async function migrateDown(p: MigrateDownParams): Promise<string[]> {
  if (!(await databaseExists(p.mysqlUrl))) return [];
  return withMigrationLock(p.mysqlUrl, async () => {
    const sequelize = createSequelize(p.mysqlUrl, { pool: { max: 2 } });
    try {
      const migrations = p.migrations ?? mysqlMigrations();
      const plan = await planDown(sequelize, migrations, p.to);
      if (plan.steps.length === 0) return [];
      const dropsProtected = plan.steps.find(
        (s) => s.effect === 'drop-table' && s.table !== null && PROTECTED_TABLES.includes(s.table),
      );
      if (p.production && dropsProtected) {
        throw new ProductionDropRefusedError(dropsProtected.table as string, dropsProtected.migration);
      }
      if (!p.confirmed) throw new DownNotConfirmedError(plan);
      p.onPlan?.(plan);
      const migrator = createMigrator(sequelize, { ...p, migrations });
      const done = p.to === undefined ? await migrator.down() : await migrator.down({ to: p.to });
      return done.map((m) => m.name);
    } finally {
      await sequelize.close();
    }
  });
}

export interface MigrationStatus {
  executed: string[];
  pending: string[];
  /** What `up` would do now; null when the database does not exist yet. */
  plan: UpPlan | null;
}

/** Executed and pending migrations, and what `up` would do with each pending one. Read-only. */
export async function migrationStatus(p: {
  mysqlUrl: string;
  migrations?: MysqlMigration[];
}): Promise<MigrationStatus> {
  const migrations = p.migrations ?? mysqlMigrations();
  if (!(await databaseExists(p.mysqlUrl))) {
    return { executed: [], pending: migrations.map((m) => m.name), plan: null };
  }
  const sequelize = createSequelize(p.mysqlUrl, { pool: { max: 2 } });
  try {
    const plan = await planUp(sequelize, migrations);
    return { executed: plan.executed.map((e) => e.migration), pending: plan.steps.map((s) => s.migration), plan };
  } finally {
    await sequelize.close();
  }
}
