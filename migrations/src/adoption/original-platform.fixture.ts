import { QueryTypes, type Sequelize } from 'sequelize';

/**
 * Test fixture: the tables as the original platform (knex) left them, with rows. `bytemark_tokens`
 * follows domain §1.1 (knex `string()` columns: varchar(255), nullable); the refresh log is the
 * stated DDL of 20230419150407; `hntb_trip` is a shape of our own invention that differs from ours;
 * `knex_migrations` / `knex_migrations_lock` are knex's bookkeeping.
 */
export const ORIGINAL_DDL = {
  bytemark_tokens: `CREATE TABLE bytemark_tokens (
      id INT(11) NOT NULL AUTO_INCREMENT,
      user_id INT(11) NULL,
      email VARCHAR(255) NULL,
      password VARCHAR(255) NULL,
      token VARCHAR(255) NULL,
      status VARCHAR(255) NULL,
      PRIMARY KEY (id),
      UNIQUE KEY user_id_unique_idx__001 (user_id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  bytemark_ticket_refresh_log: `CREATE TABLE bytemark_ticket_refresh_log (
      id INT AUTO_INCREMENT PRIMARY KEY,
      user_id INT UNSIGNED NOT NULL DEFAULT 0,
      activity_type INT UNSIGNED NOT NULL DEFAULT 0,
      status INT UNSIGNED NOT NULL DEFAULT 0,
      note VARCHAR(256) NULL,
      scheduled_on DATETIME NULL,
      created_on DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
      modified_on DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
      INDEX idx__user_id__status__001 (user_id, status)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  hntb_trip: `CREATE TABLE hntb_trip (
      id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      user_id VARCHAR(256) NOT NULL,
      trip_start DATETIME NOT NULL,
      mode INT NOT NULL
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  knex_migrations: `CREATE TABLE knex_migrations (
      id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      name VARCHAR(255), batch INT, migration_time TIMESTAMP NULL
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  knex_migrations_lock: `CREATE TABLE knex_migrations_lock (
      \`index\` INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, is_locked INT
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
} as const;

/** Variants that differ from what this project needs: a narrow token column, no unique key on user_id, a text `scheduled_on`, no `modified_on`. */
export const DIFFERING_DDL = {
  bytemark_tokens: ORIGINAL_DDL.bytemark_tokens
    .replace('token VARCHAR(255) NULL', 'token VARCHAR(100) NULL')
    .replace('UNIQUE KEY user_id_unique_idx__001 (user_id)', 'KEY user_id_idx (user_id)'),
  bytemark_ticket_refresh_log: ORIGINAL_DDL.bytemark_ticket_refresh_log
    .replace('scheduled_on DATETIME NULL', 'scheduled_on VARCHAR(32) NULL')
    .replace(/modified_on DATETIME[^,]*,/, ''),
};

export async function createOriginalPlatformTables(
  sequelize: Sequelize,
  ddl: Partial<Record<keyof typeof ORIGINAL_DDL, string>> = {},
): Promise<void> {
  const all = { ...ORIGINAL_DDL, ...ddl };
  for (const statement of Object.values(all)) await sequelize.query(statement);
  await sequelize.query(
    `INSERT INTO bytemark_tokens (user_id, email, password, token, status) VALUES
     (101, 'btc.101@mail.connectsmartx.com', 'pw101abc1234', 'tok-101', 'used'),
     (102, 'btc.102@mail.connectsmartx.com', 'pw102abc1234', NULL, 'used')`,
  );
  await sequelize.query(
    `INSERT INTO bytemark_ticket_refresh_log (user_id, activity_type, status, scheduled_on) VALUES
     (101, 1, 0, NULL), (101, 3, 0, '2026-01-01 15:00:00')`,
  );
  await sequelize.query(`INSERT INTO hntb_trip (user_id, trip_start, mode) VALUES ('h101', '2026-01-01 08:00:00', 1)`);
  await sequelize.query(
    `INSERT INTO knex_migrations (name, batch, migration_time) VALUES
     ('20230419150407_create_bytemark_ticket_refresh_log.js', 1, NOW()),
     ('20230918101500_add_user_id_unique_idx_to_bytemark_tokens.js', 2, NOW())`,
  );
  await sequelize.query('INSERT INTO knex_migrations_lock (is_locked) VALUES (0)');
}

/** Every table's definition (SHOW CREATE TABLE) and content checksum: equal snapshots mean nothing changed. */
export async function snapshotTables(sequelize: Sequelize, tables: string[]): Promise<Record<string, string>> {
  const snapshot: Record<string, string> = {};
  for (const table of tables) {
    const [created] = await sequelize.query<Record<string, string>>(`SHOW CREATE TABLE \`${table}\``, {
      type: QueryTypes.SELECT,
    });
    const [sum] = await sequelize.query<{ Checksum: number | string | null }>(`CHECKSUM TABLE \`${table}\``, {
      type: QueryTypes.SELECT,
    });
    const definition = created?.['Create Table'] ?? '';
    snapshot[table] = `${definition}\nchecksum ${String(sum?.Checksum)}`;
  }
  return snapshot;
}
