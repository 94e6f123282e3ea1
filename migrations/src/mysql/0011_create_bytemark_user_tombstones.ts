import { TABLE_OPTIONS, type MysqlMigration } from './migration';

/**
 * Ours: `bytemark_user_tombstones`, one row per rider deleted by `cache purge` (`purgeUserCacheWorkflow`):
 * when (unix seconds, MySQL's clock) and by which run. The sweeps never select a tombstoned user and a
 * refresh or commit that meets one writes nothing that stays.
 *
 * It replaces 0010's `bytemark_ticket_cache_state.purged_at`: the purge removes the user's state row
 * (its schedule, hashes and counts are the user's data too), so the tombstone cannot live in it.
 * Existing tombstones move into the table, and their state rows go. `down` moves them back, so no
 * tombstone is lost either way.
 */
export const createBytemarkUserTombstones: MysqlMigration = {
  name: '0011_create_bytemark_user_tombstones',
  async up({ context: sequelize }) {
    await sequelize.query(`
      CREATE TABLE IF NOT EXISTS bytemark_user_tombstones (
        user_id INT NOT NULL,
        purged_at INT UNSIGNED NOT NULL,
        purge_ref VARCHAR(512) NOT NULL DEFAULT '',
        PRIMARY KEY (user_id)
      ) ${TABLE_OPTIONS}`);
    await sequelize.query(`
      INSERT IGNORE INTO bytemark_user_tombstones (user_id, purged_at, purge_ref)
      SELECT user_id, purged_at, 'bytemark_ticket_cache_state.purged_at' FROM bytemark_ticket_cache_state
       WHERE purged_at IS NOT NULL`);
    await sequelize.query('DELETE FROM bytemark_ticket_cache_state WHERE purged_at IS NOT NULL');
    await sequelize.query('ALTER TABLE bytemark_ticket_cache_state DROP COLUMN purged_at');
  },
  async down({ context: sequelize }) {
    await sequelize.query('ALTER TABLE bytemark_ticket_cache_state ADD COLUMN purged_at INT UNSIGNED NULL');
    await sequelize.query(`
      INSERT INTO bytemark_ticket_cache_state (user_id, checked_at, pass_count, outcome, refresh_trigger, run_ref, purged_at)
      SELECT user_id, purged_at, 0, 'purged', 'purge', '', purged_at FROM bytemark_user_tombstones
      ON DUPLICATE KEY UPDATE purged_at = VALUES(purged_at)`);
    await sequelize.query('DROP TABLE IF EXISTS bytemark_user_tombstones');
  },
};
