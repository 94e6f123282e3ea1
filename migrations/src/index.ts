export {
  createMigrator,
  migrateUp,
  migrateDown,
  migrationStatus,
  PROTECTED_TABLES,
  type MigrationLogger,
  type MigrationStatus,
  type MigratorOptions,
  type MigrateUpParams,
  type MigrateDownParams,
} from './migrator';
export { addMigrateCommands, type MigrateCommandsOptions } from './migrate-commands';
export { ensureMongoIndexes } from './mongo-indexes';
export { mysqlMigrations } from './mysql/migrations';
export {
  createHntbBytemarkPassMigration,
  type HntbBytemarkPassMigrationOptions,
} from './mysql/0003_create_hntb_bytemark_pass';
export type { MysqlMigration } from './mysql/migration';
export type { ColumnSpec, IndexSpec, TableSpec, MigrationCreates } from './adoption/table-spec';
export type { Finding } from './adoption/compare-table';
export type { UpPlan, UpStep, DownPlan, DownStep, KnexHistory } from './adoption/plans';
export { ADOPTIONS_TABLE, readAdoptions, type AdoptionRecord, type AdoptionAction } from './adoption/adoption-records';
export {
  MigrationInterruptedError,
  MigrationStepError,
  SchemaConflictError,
  DownNotConfirmedError,
  ProductionDropRefusedError,
} from './errors';
export { MIGRATION_CONFIG_SECTIONS, type MigrationConfig } from './config';
