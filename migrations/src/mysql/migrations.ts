import { createBytemarkTokens } from './0001_create_bytemark_tokens';
import { createBytemarkTicketRefreshLog } from './0002_create_bytemark_ticket_refresh_log';
import {
  createHntbBytemarkPassMigration,
  type HntbBytemarkPassMigrationOptions,
} from './0003_create_hntb_bytemark_pass';
import { createHntbTrip } from './0004_create_hntb_trip';
import { addHntbBytemarkPassAnalyticsIndexes } from './0005_add_hntb_bytemark_pass_analytics_indexes';
import { createBytemarkTicketCacheState } from './0006_create_bytemark_ticket_cache_state';
import { createBytemarkCallPace } from './0007_create_bytemark_call_pace';
import { createBytemarkRefreshLogFailures } from './0008_create_bytemark_refresh_log_failures';
import { addTokenStorageMode } from './0009_add_token_storage_mode';
import { addRefreshScheduling } from './0010_add_refresh_scheduling';
import { createBytemarkUserTombstones } from './0011_create_bytemark_user_tombstones';
import type { MysqlMigration } from './migration';

/** Every MySQL migration, in order. Listed explicitly (no glob) so the order is reviewed and bundlers see them. */
export function mysqlMigrations(opts: { hntbBytemarkPass?: HntbBytemarkPassMigrationOptions } = {}): MysqlMigration[] {
  return [
    createBytemarkTokens,
    createBytemarkTicketRefreshLog,
    createHntbBytemarkPassMigration(opts.hntbBytemarkPass),
    createHntbTrip,
    addHntbBytemarkPassAnalyticsIndexes,
    createBytemarkTicketCacheState,
    createBytemarkCallPace,
    createBytemarkRefreshLogFailures,
    addTokenStorageMode,
    addRefreshScheduling,
    createBytemarkUserTombstones,
  ];
}
