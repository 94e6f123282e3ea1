export {
  createMigrator,
  migrateUp,
  migrateDown,
  migrationStatus,
  type MigrationLogger,
  type MigratorOptions,
  type MigrateUpParams,
  type MigrateDownParams,
} from './migrator';
export { ensureMongoIndexes } from './mongo-indexes';
export { mysqlMigrations } from './mysql/migrations';
export {
  createHntbBytemarkPassMigration,
  type HntbBytemarkPassMigrationOptions,
} from './mysql/0003_create_hntb_bytemark_pass';
export type { MysqlMigration } from './mysql/migration';
export { MigrationStepError } from './errors';
export { readMigrationConfig, type MigrationConfig } from './config';
