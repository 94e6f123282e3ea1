import type { TableSpec } from '../adoption/table-spec';
import { TABLE_OPTIONS, type MysqlMigration } from './migration';

/** Ours: a table of this name found in a database is adopted only when it has every column. */
export const BYTEMARK_REFRESH_LOG_FAILURES_SPEC: TableSpec = {
  table: 'bytemark_refresh_log_failures',
  columns: [
    { name: 'row_id', type: 'int', nullable: false },
    { name: 'attempts', type: 'int unsigned', nullable: false },
    { name: 'reason', type: 'varchar(512)', nullable: false },
    { name: 'failed_on', type: 'datetime', nullable: true },
    {
      name: 'modified_on',
      type: 'datetime',
      nullable: false,
      default: 'CURRENT_TIMESTAMP',
      onUpdateCurrentTimestamp: true,
    },
  ],
  indexes: [{ name: 'PRIMARY', columns: ['row_id'], unique: true, required: true }],
};

/**
 * `bytemark_refresh_log_failures`: ours. Why a `bytemark_ticket_refresh_log` row could not be
 * handled, and how many runs of the queue tried: after a few, the row's `status` becomes 2 (failed,
 * `failed_on` set) and the queue stops retrying it, so one bad row never blocks the others. The
 * platform's table keeps its stated DDL; only the new status value is ours.
 */
export const createBytemarkRefreshLogFailures: MysqlMigration = {
  name: '0008_create_bytemark_refresh_log_failures',
  creates: { kind: 'table', spec: BYTEMARK_REFRESH_LOG_FAILURES_SPEC },
  async up({ context: sequelize }) {
    await sequelize.query(`
      CREATE TABLE bytemark_refresh_log_failures (
        row_id INT NOT NULL,
        attempts INT UNSIGNED NOT NULL,
        reason VARCHAR(512) NOT NULL,
        failed_on DATETIME NULL,
        modified_on DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
        PRIMARY KEY (row_id)
      ) ${TABLE_OPTIONS}`);
  },
  async down({ context: sequelize }) {
    await sequelize.query('DROP TABLE IF EXISTS bytemark_refresh_log_failures');
  },
};
