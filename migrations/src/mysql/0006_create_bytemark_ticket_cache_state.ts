import type { TableSpec } from '../adoption/table-spec';
import { TABLE_OPTIONS, type MysqlMigration } from './migration';

const UNSIGNED_NULL = { type: 'int unsigned', nullable: true } as const;

/** Ours: a table of this name found in a database is adopted only when it has every column. */
export const BYTEMARK_TICKET_CACHE_STATE_SPEC: TableSpec = {
  table: 'bytemark_ticket_cache_state',
  columns: [
    { name: 'user_id', type: 'int', nullable: false },
    { name: 'refreshed_at', ...UNSIGNED_NULL },
    { name: 'checked_at', type: 'int unsigned', nullable: false },
    { name: 'cache_version', ...UNSIGNED_NULL },
    { name: 'passes_hash', type: 'char(32)', nullable: true },
    { name: 'passes4_hash', type: 'char(32)', nullable: true },
    { name: 'pass_count', type: 'int unsigned', nullable: false, default: '0' },
    { name: 'outcome', type: 'varchar(32)', nullable: false },
    { name: 'refresh_trigger', type: 'varchar(32)', nullable: false },
    { name: 'run_ref', type: 'varchar(512)', nullable: false },
    {
      name: 'modified_on',
      type: 'datetime',
      nullable: false,
      default: 'CURRENT_TIMESTAMP',
      onUpdateCurrentTimestamp: true,
    },
  ],
  indexes: [
    { name: 'PRIMARY', columns: ['user_id'], unique: true, required: true },
    { name: 'idx__refreshed_at', columns: ['refreshed_at'], unique: false },
  ],
};

/**
 * `bytemark_ticket_cache_state`: ours, not the original platform's. One row per user with the
 * outcome of the last refresh and what the cache was last built from, so that the hourly sweep
 * selects stale users with one indexed query (no read of the cache documents) and an unchanged
 * user costs one small read here instead of a read of its whole cache document.
 *
 * - `refreshed_at`: unix seconds of the last refresh that read Bytemark successfully (built,
 *   updated or unchanged); failures leave it as it was, so the next sweep tries the user again.
 * - `cache_version`, `passes_hash`, `passes4_hash`: the cache document version and the list hashes
 *   it was built from. A hint only: the cache write is a compare-and-set on that version.
 * - `outcome`, `run_ref`, `refresh_trigger`, `checked_at`: the last attempt, for `cli status`.
 */
export const createBytemarkTicketCacheState: MysqlMigration = {
  name: '0006_create_bytemark_ticket_cache_state',
  creates: { kind: 'table', spec: BYTEMARK_TICKET_CACHE_STATE_SPEC },
  async up({ context: sequelize }) {
    await sequelize.query(`
      CREATE TABLE bytemark_ticket_cache_state (
        user_id INT NOT NULL,
        refreshed_at INT UNSIGNED NULL,
        checked_at INT UNSIGNED NOT NULL,
        cache_version INT UNSIGNED NULL,
        passes_hash CHAR(32) NULL,
        passes4_hash CHAR(32) NULL,
        pass_count INT UNSIGNED NOT NULL DEFAULT 0,
        outcome VARCHAR(32) NOT NULL,
        refresh_trigger VARCHAR(32) NOT NULL,
        run_ref VARCHAR(512) NOT NULL,
        modified_on DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
        PRIMARY KEY (user_id),
        INDEX idx__refreshed_at (refreshed_at)
      ) ${TABLE_OPTIONS}`);
  },
  async down({ context: sequelize }) {
    await sequelize.query('DROP TABLE IF EXISTS bytemark_ticket_cache_state');
  },
};
