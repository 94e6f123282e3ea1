import { DEFAULT_MONGO_URL, DEFAULT_MYSQL_URL, readMigrationConfig } from './config';

describe('readMigrationConfig', () => {
  it('defaults to the local stack databases', () => {
    expect(readMigrationConfig({})).toEqual({
      mysqlUrl: DEFAULT_MYSQL_URL,
      mongoUrl: DEFAULT_MONGO_URL,
      production: false,
    });
  });

  it('NODE_ENV=production marks the run as production, so down guards bytemark_tokens', () => {
    expect(readMigrationConfig({ NODE_ENV: 'production' }).production).toBe(true);
    expect(readMigrationConfig({ NODE_ENV: 'development' }).production).toBe(false);
  });

  it('a bad URL stops the command with a message naming the variable', () => {
    expect(() => readMigrationConfig({ MYSQL_URL: 'postgres://x/y' })).toThrow(/^MYSQL_URL is invalid/);
    expect(() => readMigrationConfig({ MYSQL_URL: 'mysql://root@127.0.0.1:3306/' })).toThrow(
      /MYSQL_URL.*name a database/,
    );
    expect(() => readMigrationConfig({ MONGO_URL: 'mongodb://127.0.0.1:27017' })).toThrow(/^MONGO_URL is invalid/);
  });
});
