import type { Config } from '@btc/config';

/** What the migrate commands read: `loadConfig(process.env, MIGRATION_CONFIG_SECTIONS)` (MYSQL_URL, MONGO_URL, NODE_ENV). */
export const MIGRATION_CONFIG_SECTIONS = ['mysql', 'mongo', 'runtime'] as const;

/** `production` (NODE_ENV=production): `down` refuses to drop a `PROTECTED_TABLES` table (tokens, the queue, research data). */
export type MigrationConfig = Config<(typeof MIGRATION_CONFIG_SECTIONS)[number]>;
