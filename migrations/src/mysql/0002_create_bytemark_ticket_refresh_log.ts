import { TABLE_OPTIONS, type MysqlMigration } from './migration';

/** `bytemark_ticket_refresh_log`: exactly the DDL stated in domain §1.2 (original migration 20230419150407). */
export const createBytemarkTicketRefreshLog: MysqlMigration = {
  name: '0002_create_bytemark_ticket_refresh_log',
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
