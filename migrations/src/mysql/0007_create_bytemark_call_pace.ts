import type { TableSpec } from '../adoption/table-spec';
import { TABLE_OPTIONS, type MysqlMigration } from './migration';

/** Ours: a table of this name found in a database is adopted only when it has every column. */
export const BYTEMARK_CALL_PACE_SPEC: TableSpec = {
  table: 'bytemark_call_pace',
  columns: [
    { name: 'id', type: 'tinyint unsigned', nullable: false },
    { name: 'next_at_us', type: 'bigint unsigned', nullable: false },
  ],
  indexes: [{ name: 'PRIMARY', columns: ['id'], unique: true, required: true }],
};

/**
 * `bytemark_call_pace`: ours. One row: the time (MySQL's clock, microseconds) from which the next
 * Bytemark call may be sent. Every worker reserves its call's slot there before sending it, so calls
 * leave evenly spaced at the global limit, whatever Temporal's task-queue limiter lets through in a burst.
 */
export const createBytemarkCallPace: MysqlMigration = {
  name: '0007_create_bytemark_call_pace',
  creates: { kind: 'table', spec: BYTEMARK_CALL_PACE_SPEC },
  async up({ context: sequelize }) {
    await sequelize.query(`
      CREATE TABLE bytemark_call_pace (
        id TINYINT UNSIGNED NOT NULL,
        next_at_us BIGINT UNSIGNED NOT NULL,
        PRIMARY KEY (id)
      ) ${TABLE_OPTIONS}`);
  },
  async down({ context: sequelize }) {
    await sequelize.query('DROP TABLE IF EXISTS bytemark_call_pace');
  },
};
