import type { Sequelize } from 'sequelize';
import { MigrationStepError } from '../errors';
import type { TableSpec } from '../adoption/table-spec';
import { TABLE_OPTIONS, type MysqlMigration } from './migration';

const NAME = '0003_create_hntb_bytemark_pass';
const TABLE = 'hntb_bytemark_pass';

const TIMESTAMP = { type: 'datetime', nullable: false, default: 'CURRENT_TIMESTAMP' } as const;

/** The seed's table, column by column. The unique index `bytemark_pass_id` repeats the primary key, so it is not required. */
export const HNTB_BYTEMARK_PASS_SPEC: TableSpec = {
  table: TABLE,
  columns: [
    { name: 'bytemark_pass_id', type: 'int unsigned', nullable: false },
    { name: 'user_id', type: 'varchar(256)', nullable: false },
    { name: 'logged_on', type: 'datetime', nullable: false, comment: 'The time that logged the bytemark pass' },
    { name: 'created_on', ...TIMESTAMP },
    { name: 'modified_on', ...TIMESTAMP, onUpdateCurrentTimestamp: true },
  ],
  indexes: [
    { name: 'PRIMARY', columns: ['bytemark_pass_id'], unique: true, required: true },
    { name: 'bytemark_pass_id', columns: ['bytemark_pass_id'], unique: true },
  ],
};

export interface HntbBytemarkPassMigrationOptions {
  /** Test hook: runs after CREATE TABLE, before the unique index; throwing here simulates a part-way failure. */
  afterCreateTable?: (sequelize: Sequelize) => Promise<void>;
}

/**
 * `hntb_bytemark_pass` exactly as the seed (tsp-job 20250313023754, knex): `integer().unsigned().primary()`,
 * `string(256)`, `dateTime` with comment, CURRENT_TIMESTAMP defaults, then `unique(..., { indexName: 'bytemark_pass_id' })`
 * as a second statement, as knex emits it. MySQL DDL is not transactional, so like the seed a failure
 * drops the table and rethrows (with the cause kept). Unlike the seed, it only drops a table this run
 * created: a pre-existing table (CREATE fails) is never dropped.
 */
export function createHntbBytemarkPassMigration(opts: HntbBytemarkPassMigrationOptions = {}): MysqlMigration {
  return {
    name: NAME,
    creates: { kind: 'table', spec: HNTB_BYTEMARK_PASS_SPEC },
    async up({ context: sequelize }) {
      let created = false;
      let step = 'create table';
      try {
        await sequelize.query(`
          CREATE TABLE ${TABLE} (
            bytemark_pass_id INT UNSIGNED NOT NULL,
            user_id VARCHAR(256) NOT NULL,
            logged_on DATETIME NOT NULL COMMENT 'The time that logged the bytemark pass',
            created_on DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
            modified_on DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
            PRIMARY KEY (bytemark_pass_id)
          ) ${TABLE_OPTIONS}`);
        created = true;
        step = 'after create table';
        await opts.afterCreateTable?.(sequelize);
        step = 'unique index bytemark_pass_id';
        await sequelize.query(`ALTER TABLE ${TABLE} ADD UNIQUE INDEX bytemark_pass_id (bytemark_pass_id)`);
      } catch (cause) {
        if (created) await sequelize.query(`DROP TABLE IF EXISTS ${TABLE}`);
        throw new MigrationStepError(NAME, step, { cause });
      }
    },
    async down({ context: sequelize }) {
      await sequelize.query(`DROP TABLE IF EXISTS ${TABLE}`);
    },
  };
}
