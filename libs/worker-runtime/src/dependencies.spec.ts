import { loadConfig } from '@btc/config';
import { TEST_TOKEN_KEYRING, testDatabaseUrls } from '@btc/data/testing';
import { DEPENDENCY_CONFIG_SECTIONS, buildDependencies, mysqlPoolSize } from './dependencies';

describe("the worker's MySQL pool", () => {
  it('is MYSQL_POOL_MAX when set, else one connection per concurrent activity plus five, else 10', () => {
    expect(mysqlPoolSize({ mysqlPoolMax: 12, maxConcurrentActivities: 100 })).toBe(12);
    expect(mysqlPoolSize({ maxConcurrentActivities: 100 })).toBe(105);
    expect(mysqlPoolSize({ maxConcurrentActivities: 50 })).toBe(55);
    expect(mysqlPoolSize({})).toBe(10);
  });

  it('buildDependencies opens a pool of that size on the real database', async () => {
    const { mysqlUrl, mongoUrl } = testDatabaseUrls();
    const env = { MYSQL_URL: mysqlUrl, MONGO_URL: mongoUrl, TOKEN_ENCRYPTION_KEY: TEST_TOKEN_KEYRING };
    const poolOf = async (extra: Record<string, string>, maxConcurrentActivities?: number) => {
      const config = loadConfig({ ...env, ...extra }, DEPENDENCY_CONFIG_SECTIONS);
      const deps = await buildDependencies(config, maxConcurrentActivities ? { maxConcurrentActivities } : {});
      try {
        // sequelize-pool's size limit, as the running pool holds it.
        return (deps.sequelize.connectionManager as unknown as { pool: { maxSize: number } }).pool.maxSize;
      } finally {
        await deps.close();
      }
    };
    expect(await poolOf({}, 100)).toBe(105);
    expect(await poolOf({ MYSQL_POOL_MAX: '30' }, 100)).toBe(30);
  });
});
