export {
  createSequelize,
  connectMongo,
  connectMysqlServer,
  ensureMysqlDatabase,
  explainMysqlConnectionFailure,
  parseMysqlUrl,
  mongoDatabaseName,
  type MysqlUrlParts,
  type SequelizeOptions,
} from './connections';
export { canonicalJson, passPayloadHash, ticketLogChangeId } from './hashing';
export { TokenCipher, type TokenBinding } from './token-cipher';
export {
  CALL_PACE_TABLE,
  CallPacer,
  LANE_HORIZON_MS,
  PACE_SHARE,
  readPaceControls,
  writePaceControls,
  type CallLane,
  type PaceControls,
  type PaceObserver,
} from './bytemark-call-pacer';
export {
  TokenDecryptionError,
  TokenKeyringError,
  TokenColumnTooNarrowError,
  TokenStorageNotMigratedError,
  TokenStorageModeError,
  CacheDocumentTooLargeError,
  LegacyCacheDocumentError,
  PayloadKeyError,
  StagingCorruptError,
  StagingMissingError,
  DatabaseUrlError,
  MysqlConnectionError,
} from './errors';
export { escapePayloadKeys, unescapePayloadKeys, escapeKey, unescapeKey } from './payload-keys';
export {
  BYTEMARK_TOKENS_TABLE,
  bytemarkTokensModel,
  type BytemarkTokenRow,
  type BytemarkTokenModel,
} from './bytemark-tokens.model';
export {
  BytemarkTokensRepository,
  tokenBinding,
  type BytemarkAccount,
  type KeyIdCheck,
  type KeyringCheck,
  type TokenStorageReport,
} from './bytemark-tokens.repository';
export {
  BytemarkTokensMaintenance,
  type EncryptLegacyReport,
  type FinishEncryptionReport,
  type RotateReport,
} from './bytemark-tokens-maintenance';
export {
  ENCRYPTED_COPIES_TABLE,
  SETTINGS_TABLE,
  TOKEN_STORAGE_MODE_LABELS,
  TOKEN_STORAGE_MODE_SETTING,
  type TokenStorageMode,
} from './token-storage.table';
export { REFRESH_LOG_TABLE, REFRESH_ACTIVITY, REFRESH_STATUS, REFRESH_LOG_FAILURES_TABLE } from './refresh-log.table';
export {
  RefreshLogRepository,
  freeTicketNote,
  toUtcDatetime,
  type DueRefreshRow,
  type FailedRow,
  type PendingNotificationRow,
  type RefreshQueueHealth,
} from './refresh-log.repository';
export {
  TICKET_CACHE_COLLECTION,
  ticketCacheSchema,
  type CacheChangeSummary,
  type PassEntry,
  type PassSource,
  type PendingChange,
  type PendingEffects,
  type TicketCacheDoc,
} from './ticket-cache.schema';
export { TicketCacheRepository, MAX_DOCUMENT_BYTES, API_LOG_KEEP, bsonSize, cacheId } from './ticket-cache.repository';
export {
  MAX_AUTH_BACKOFF_SECONDS,
  TICKET_CACHE_STATE_TABLE,
  TicketCacheStateRepository,
  type DueCursor,
  type DuePage,
  type FreshnessReport,
  type ListHashes,
  type RefreshContext,
  type StateSelect,
  type StoredState,
  type TicketCacheState,
} from './ticket-cache-state.repository';
export {
  TICKET_LOG_COLLECTION,
  ticketLogSchema,
  type StoredTicketLogEntry,
  type TicketLogEntry,
} from './ticket-log.schema';
export { TicketLogRepository } from './ticket-log.repository';
export { STAGING_COLLECTION, stagingSchema } from './staging.schema';
export { StagingRepository, STAGING_CHUNK_BYTES } from './staging.repository';
export { NOTIFICATION_LEDGER_COLLECTION } from './notification-ledger.schema';
export { NotificationLedgerRepository, type LedgerEntry } from './notification-ledger.repository';
export { MONGO_INDEXES, type MongoIndexSpec } from './mongo-indexes';
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
  type PassHistoryRow,
  type PassUsageFrequencyRow,
  type DailyPassUsageRow,
  type HourlyUsageRow,
  type UserEngagementRow,
  type PassTripCorrelationRow,
  type TransitAdoptionRow,
} from './research/pass-analytics.rows';
export { PassInteractionRepository, INSERT_CHUNK_SIZE, type BatchReport } from './research/pass-interaction.repository';
export {
  TransientDatabaseError,
  DatabaseOperationError,
  classifyDatabaseError,
  databaseErrorCode,
  toDatabaseError,
  type DatabaseErrorCode,
  type DatabaseFailureKind,
} from './research/database-errors';
export { parseIsoDateTime, type ParsedDateTime } from './research/iso-date-time';
export {
  validatePassInteraction,
  MAX_PASS_ID,
  MAX_USER_ID_LENGTH,
  type PassInteractionRow,
  type Validated,
} from './research/pass-interaction.validation';
export {
  LegacyCacheAdoption,
  LegacyCacheAdoptionConflictError,
  LegacyCacheBackupInUseError,
  CacheIndexRebuildError,
  LEGACY_CACHE_BACKUP_COLLECTION,
  ADOPTED_OUTCOME,
  ADOPTED_TRIGGER,
  type LegacyCacheAdoptionOptions,
  type LegacyCacheAdoptionReport,
} from './legacy-cache-adoption';
export {
  MILLISECONDS_THRESHOLD,
  normaliseCacheDocument,
  storedPassListHash,
  toUnixSeconds,
  type NormalisedCacheDocument,
} from './legacy-cache-document';
export { LOGIN_LEASES_TABLE, LoginLeasesRepository } from './login-leases.repository';
export { SWEEP_RUNS_TABLE, SweepRunsRepository, type SweepRun } from './sweep-runs.repository';
export { QUARANTINE_COLLECTION, QuarantineRepository, type QuarantinedEffects } from './quarantine.repository';
export { USER_TOMBSTONES_TABLE, UserTombstonesRepository, type UserTombstone } from './user-tombstones.repository';
export { UserPurge, type PurgedData } from './user-purge';
export { DEFAULT_ORPHAN_GRACE_SECONDS, OrphanCaches, type OrphanCacheReport } from './orphan-caches';
export { DUPLICATE_KEY, isDuplicateKeyError } from './mongo-errors';
