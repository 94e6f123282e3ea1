import { TABLE_OPTIONS, type MysqlMigration } from './migration';

/** TTL − grace of the defaults (60 − 5 minutes): when an existing state row's user is due again. */
const DEFAULT_DUE_AFTER_SECONDS = 55 * 60;

/**
 * Ours, for fair sweeps at any scale, operator controls and outages that back off:
 *
 * `bytemark_ticket_cache_state` gains
 * - `next_due_at`: unix seconds from which the user is due. The hourly sweep takes due users oldest
 *   first (index `(next_due_at, user_id)`), so a population larger than one hour's rate budget is
 *   refreshed in turn instead of the same low ids every hour. Existing rows: last refresh + 55 minutes.
 * - `auth_failures`: failed logins in a row; `next_due_at` backs off (doubling up to a day).
 * - `failure_type`: the last failure's type, for `cli status` and the alert digest.
 * - `purged_at`: a tombstone (`cache purge`); 0011 moves it into `bytemark_user_tombstones`.
 *
 * `bytemark_call_pace` gains the operator's live controls, read by every worker's pacer on each
 * reservation: `rate_limit_rps` (null: the configured limit) and `paused_at` / `paused_reason`.
 *
 * `bytemark_refresh_log_failures` gains `next_attempt_at` and `transient_failures`: a queue row whose
 * work failed transiently (an endpoint outage) waits, doubling, instead of using up its attempts.
 *
 * `bytemark_sweep_runs`: one row per finished sweep (how many were due, refreshed, left over, how
 * fast), for the metrics, `doctor` and the overload alert.
 *
 * `bytemark_login_leases`: who is logging a user in again, until when. Bytemark revokes a user's
 * previous token on every login, so two refreshes re-logging one user at once would leave one of them
 * (and perhaps the stored token) with a revoked token: one re-login at a time per user, across workers.
 */
export const addRefreshScheduling: MysqlMigration = {
  name: '0010_add_refresh_scheduling',
  async up({ context: sequelize }) {
    await sequelize.query(`
      ALTER TABLE bytemark_ticket_cache_state
        ADD COLUMN next_due_at INT UNSIGNED NOT NULL DEFAULT 0,
        ADD COLUMN auth_failures SMALLINT UNSIGNED NOT NULL DEFAULT 0,
        ADD COLUMN failure_type VARCHAR(64) NULL,
        ADD COLUMN purged_at INT UNSIGNED NULL,
        ADD INDEX idx__next_due_at (next_due_at, user_id)`);
    await sequelize.query(
      'UPDATE bytemark_ticket_cache_state SET next_due_at = COALESCE(refreshed_at + ?, 0) WHERE next_due_at = 0',
      { replacements: [DEFAULT_DUE_AFTER_SECONDS] },
    );
    await sequelize.query(`
      ALTER TABLE bytemark_call_pace
        ADD COLUMN rate_limit_rps DECIMAL(10,3) NULL,
        ADD COLUMN paused_at INT UNSIGNED NULL,
        ADD COLUMN paused_reason VARCHAR(255) NULL`);
    await sequelize.query(`
      ALTER TABLE bytemark_refresh_log_failures
        ADD COLUMN next_attempt_at DATETIME NULL,
        ADD COLUMN transient_failures INT UNSIGNED NOT NULL DEFAULT 0`);
    await sequelize.query(`
      CREATE TABLE IF NOT EXISTS bytemark_sweep_runs (
        sweep_id VARCHAR(255) NOT NULL,
        sweep_trigger VARCHAR(32) NOT NULL,
        started_at INT UNSIGNED NOT NULL,
        ended_at INT UNSIGNED NOT NULL,
        token_users INT UNSIGNED NOT NULL,
        users_due INT UNSIGNED NOT NULL,
        refreshed INT UNSIGNED NOT NULL,
        failed INT UNSIGNED NOT NULL,
        left_over INT UNSIGNED NOT NULL,
        users_per_second DECIMAL(12,3) NOT NULL,
        rate_limit_rps DECIMAL(10,3) NOT NULL,
        stopped_by VARCHAR(32) NOT NULL,
        PRIMARY KEY (sweep_id),
        INDEX idx__ended_at (ended_at)
      ) ${TABLE_OPTIONS}`);
    await sequelize.query(`
      CREATE TABLE IF NOT EXISTS bytemark_login_leases (
        user_id INT NOT NULL,
        owner VARCHAR(64) NOT NULL,
        expires_at DATETIME(3) NOT NULL,
        PRIMARY KEY (user_id)
      ) ${TABLE_OPTIONS}`);
  },
  async down({ context: sequelize }) {
    await sequelize.query('DROP TABLE IF EXISTS bytemark_login_leases');
    await sequelize.query('DROP TABLE IF EXISTS bytemark_sweep_runs');
    await sequelize.query(
      'ALTER TABLE bytemark_refresh_log_failures DROP COLUMN next_attempt_at, DROP COLUMN transient_failures',
    );
    await sequelize.query(
      'ALTER TABLE bytemark_call_pace DROP COLUMN rate_limit_rps, DROP COLUMN paused_at, DROP COLUMN paused_reason',
    );
    await sequelize.query(`
      ALTER TABLE bytemark_ticket_cache_state
        DROP INDEX idx__next_due_at,
        DROP COLUMN next_due_at, DROP COLUMN auth_failures, DROP COLUMN failure_type, DROP COLUMN purged_at`);
  },
};
