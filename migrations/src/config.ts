import { mongoDatabaseName, parseMysqlUrl } from '@btc/data';

export interface MigrationConfig {
  mysqlUrl: string;
  mongoUrl: string;
  /** NODE_ENV=production: `down` refuses to drop `bytemark_tokens`. */
  production: boolean;
}

export const DEFAULT_MYSQL_URL = 'mysql://root@127.0.0.1:3306/bytemark';
export const DEFAULT_MONGO_URL = 'mongodb://127.0.0.1:27017/bytemark';

/** Reads and validates MYSQL_URL / MONGO_URL (with local-stack defaults) and NODE_ENV; throws naming the bad variable. */
export function readMigrationConfig(env: Record<string, string | undefined>): MigrationConfig {
  const mysqlUrl = env['MYSQL_URL'] || DEFAULT_MYSQL_URL;
  const mongoUrl = env['MONGO_URL'] || DEFAULT_MONGO_URL;
  try {
    parseMysqlUrl(mysqlUrl);
  } catch (error) {
    throw new Error(`MYSQL_URL is invalid: ${(error as Error).message}`);
  }
  try {
    mongoDatabaseName(mongoUrl);
  } catch (error) {
    throw new Error(`MONGO_URL is invalid: ${(error as Error).message}`);
  }
  return { mysqlUrl, mongoUrl, production: env['NODE_ENV'] === 'production' };
}
