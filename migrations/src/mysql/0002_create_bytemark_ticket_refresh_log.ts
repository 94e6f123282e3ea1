import type { TableSpec } from '../adoption/table-spec';
import { TABLE_OPTIONS, type MysqlMigration } from './migration';

const UNSIGNED_ZERO = { type: 'int unsigned', nullable: false, default: '0' } as const;
const TIMESTAMP = { type: 'datetime', nullable: false, default: 'CURRENT_TIMESTAMP' } as const;

/** The stated DDL, column by column; the original created exactly this, so every column is needed. */
export const BYTEMARK_TICKET_REFRESH_LOG_SPEC: TableSpec = {
  table: 'bytemark_ticket_refresh_log',
  columns: [
    { name: 'id', type: 'int', nullable: false, autoIncrement: true },
    { name: 'user_id', ...UNSIGNED_ZERO },
    { name: 'activity_type', ...UNSIGNED_ZERO },
    { name: 'status', ...UNSIGNED_ZERO },
    { name: 'note', type: 'varchar(256)', nullable: true },
    { name: 'scheduled_on', type: 'datetime', nullable: true },
    { name: 'created_on', ...TIMESTAMP },
    { name: 'modified_on', ...TIMESTAMP, onUpdateCurrentTimestamp: true },
  ],
  indexes: [
    { name: 'PRIMARY', columns: ['id'], unique: true, required: true },
    { name: 'idx__user_id__status__001', columns: ['user_id', 'status'], unique: false },
  ],
};

/** `bytemark_ticket_refresh_log`: exactly the DDL stated in domain §1.2 (original migration 20230419150407). */
export const createBytemarkTicketRefreshLog: MysqlMigration = {
  name: '0002_create_bytemark_ticket_refresh_log',
  creates: { kind: 'table', spec: BYTEMARK_TICKET_REFRESH_LOG_SPEC },
  async up({ context: sequelize }) {
    await sequelize.query(`
      CREATE TABLE bytemark_ticket_refresh_log (
        id INT AUTO_INCREMENT PRIMARY KEY,
        user_id INT UNSIGNED NOT NULL DEFAULT 0,
        activity_type INT UNSIGNED NOT NULL DEFAULT 0,
        status INT UNSIGNED NOT NULL DEFAULT 0,
        note VARCHAR(256) NULL,
        scheduled_on DATETIME NULL,
        created_on DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
        modified_on DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
        INDEX idx__user_id__status__001 (user_id, status)
      ) ${TABLE_OPTIONS}`);
  },
  async down({ context: sequelize }) {
    await sequelize.query('DROP TABLE IF EXISTS bytemark_ticket_refresh_log');
  },
};
