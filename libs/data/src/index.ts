export {
  createSequelize,
  connectMysqlServer,
  ensureMysqlDatabase,
  explainMysqlConnectionFailure,
  parseMysqlUrl,
} from './connections';
export { connectMongo } from './mongo/mongo-connection';
export { passPayloadHash, ticketLogChangeId } from './cache/hashing';
export { TokenCipher } from './tokens/token-cipher';
export {
  CALL_PACE_TABLE,
  CallPacer,
  PACE_SHARE,
  readPaceControls,
  writePaceControls,
  type CallLane,
  type PaceControls,
  type PaceObserver,
} from './pacing/bytemark-call-pacer';
export {
  TokenDecryptionError,
  TokenKeyringError,
  TokenStorageNotMigratedError,
  TokenStorageModeError,
  CacheDocumentTooLargeError,
  LegacyCacheDocumentError,
  PayloadKeyError,
  StagingCorruptError,
  StagingMissingError,
  TransientDatabaseError,
  DatabaseOperationError,
  LegacyCacheBackupInUseError,
} from './errors';
export { BYTEMARK_TOKENS_TABLE } from './tokens/bytemark-tokens.model';
export { BytemarkTokensRepository, tokenBinding, type KeyringCheck } from './tokens/bytemark-tokens.repository';
export { BytemarkTokensMaintenance } from './tokens/bytemark-tokens-maintenance';
export {
  ENCRYPTED_COPIES_TABLE,
  SETTINGS_TABLE,
  TOKEN_STORAGE_MODE_LABELS,
  TOKEN_STORAGE_MODE_SETTING,
  type TokenStorageMode,
} from './tokens/token-storage.table';
export {
  REFRESH_LOG_TABLE,
  REFRESH_ACTIVITY,
  REFRESH_STATUS,
  REFRESH_LOG_FAILURES_TABLE,
} from './queue/refresh-log.table';
export { RefreshLogRepository, type RefreshQueueHealth } from './queue/refresh-log.repository';
export {
  TICKET_CACHE_COLLECTION,
  type CacheChangeSummary,
  type PassEntry,
  type PassSource,
  type PendingEffects,
  type TicketCacheDoc,
} from './cache/ticket-cache.schema';
export { TicketCacheRepository } from './cache/ticket-cache.repository';
export {
  TICKET_CACHE_STATE_TABLE,
  TicketCacheStateRepository,
  type FreshnessReport,
  type ListHashes,
  type TicketCacheState,
} from './cache/ticket-cache-state.repository';
export { TICKET_LOG_COLLECTION, type TicketLogEntry } from './cache/ticket-log.schema';
export { TicketLogRepository } from './cache/ticket-log.repository';
export { STAGING_COLLECTION } from './cache/staging.schema';
export { StagingRepository } from './cache/staging.repository';
export { NotificationLedgerRepository } from './cache/notification-ledger.repository';
export { MONGO_INDEXES } from './mongo/mongo-indexes';
// Research tables (hntb_bytemark_pass analytics; built in src/research by the research-data work).
export {
  PassAnalyticsRepository,
  DEFAULT_HISTORY_LIMIT,
  DEFAULT_ADOPTION_DAYS,
  type Period,
} from './research/pass-analytics.repository';
export {
  PASS_HISTORY_COLUMNS,
  PASS_USAGE_FREQUENCY_COLUMNS,
  DAILY_PASS_USAGE_COLUMNS,
  HOURLY_USAGE_COLUMNS,
  USER_ENGAGEMENT_COLUMNS,
  PASS_TRIP_CORRELATION_COLUMNS,
  TRANSIT_ADOPTION_COLUMNS,
} from './research/pass-analytics.rows';
export { PassInteractionRepository } from './research/pass-interaction.repository';
export { classifyDatabaseError, databaseErrorCode, toDatabaseError } from './research/database-errors';
export { parseIsoDateTime } from './research/iso-date-time';
export {
  OriginalCacheAdoption,
  ORIGINAL_CACHE_BACKUP_COLLECTION,
  type OriginalCacheAdoptionReport,
} from './adoption/original-cache-adoption';
export { normaliseCacheDocument, storedPassListHash } from './adoption/original-cache-document';
export { LoginLeasesRepository } from './tokens/login-leases.repository';
export { SweepRunsRepository, type SweepRun } from './queue/sweep-runs.repository';
export { QuarantineRepository } from './cache/quarantine.repository';
export { UserTombstonesRepository } from './user-tombstones.repository';
export { UserPurge, type PurgedData } from './user-purge';
export { DEFAULT_ORPHAN_GRACE_SECONDS, OrphanCaches, type OrphanCacheReport } from './cache/orphan-caches';
