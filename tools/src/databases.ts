import { LOCAL } from './local-stack';

/** Creates and migrates the dev and test databases (MySQL schema + MongoDB indexes). */
export async function prepareDatabases(log: (line: string) => void): Promise<void> {
  const { migrateUp } = await import('@btc/migrations');
  for (const db of Object.values(LOCAL.databases)) {
    const applied = await migrateUp({ mysqlUrl: `${LOCAL.mysqlUrl}/${db}`, mongoUrl: `${LOCAL.mongoUrl}/${db}` });
    log(`databases: ${db} migrated (${applied.length} new migration${applied.length === 1 ? '' : 's'})`);
  }
}
