import { DEFAULT_FREE_TICKET_PRODUCT_UUIDS, LOCAL_DEV_ENCRYPTION_KEY } from './defaults';

const KEY = `k1:${Buffer.alloc(32, 7).toString('base64')}`;
import { ConfigError } from './errors';
import { loadConfig, type ConfigSection } from './load-config';

const ALL: ConfigSection[] = [
  'temporal',
  'runtime',
  'mysql',
  'mongo',
  'bytemark',
  'tokens',
  'cache',
  'notifications',
  'worker',
  'sweep',
];

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('works on the local stack with no environment but the key the launcher passes', () => {
    const config = loadConfig({ TOKEN_ENCRYPTION_KEY: LOCAL_DEV_ENCRYPTION_KEY }, ALL);
    expect(config.temporal).toEqual({
      address: '127.0.0.1:7233',
      namespace: 'default',
      uiUrl: 'http://127.0.0.1:8233',
      connection: { address: '127.0.0.1:7233' },
      description: '127.0.0.1:7233, namespace default, plaintext',
    });
    expect(config.mysqlUrl).toBe('mysql://root@127.0.0.1:3306/bytemark');
    expect(config.mongoUrl).toBe('mongodb://127.0.0.1:27017/bytemark');
    expect(config.cache).toEqual({
      ttlSeconds: 3600,
      graceSeconds: 300,
      freeProductUuids: [...DEFAULT_FREE_TICKET_PRODUCT_UUIDS],
    });
    expect(config.tokenEncryptionKeys).toBe(LOCAL_DEV_ENCRYPTION_KEY);
    expect(config.production).toBe(false);
    expect(config.sweepMaxInFlight).toBe(20);
  });

  it('returns only the sections asked for', () => {
    expect(loadConfig({}, ['mysql', 'mongo', 'runtime'])).toEqual({
      mysqlUrl: 'mysql://root@127.0.0.1:3306/bytemark',
      mongoUrl: 'mongodb://127.0.0.1:27017/bytemark',
      production: false,
    });
  });

  it('does not look at a variable of a section it was not asked for', () => {
    expect(() => loadConfig({ SWEEP_MAX_IN_FLIGHT: '0' }, ['mysql'])).not.toThrow();
    expect(() => loadConfig({ SWEEP_MAX_IN_FLIGHT: '0' }, ['sweep'])).toThrow(/SWEEP_MAX_IN_FLIGHT/);
  });

  it('reads lists and numbers from the environment', () => {
    const uuid = '0b8f8a6e-8d2a-4f4e-9a51-1c1f3f0f6a11';
    const config = loadConfig(
      { FREE_TICKET_PRODUCT_UUIDS: ` ${uuid} ,`, TICKET_CACHE_TTL_MINUTES: '30', BYTEMARK_RATE_LIMIT_RPS: '2.5' },
      ['cache', 'bytemark'],
    );
    expect(config.cache.freeProductUuids).toEqual([uuid]);
    expect(config.cache.ttlSeconds).toBe(1800);
    expect(config.bytemark.rateLimitRps).toBe(2.5);
  });

  it('treats an empty variable as unset, as a .env file with `NAME=` means', () => {
    const config = loadConfig({ NOTIFICATION_URL: '', MYSQL_URL: '' }, ['notifications', 'mysql']);
    expect(config.notificationUrl).toBeUndefined();
    expect(config.mysqlUrl).toBe('mysql://root@127.0.0.1:3306/bytemark');
  });

  it('names every bad variable and never echoes a value', () => {
    const secret = 'not-a-url-but-a-secret-value';
    const error = configError(() =>
      loadConfig({ MYSQL_URL: secret, BYTEMARK_RATE_LIMIT_RPS: '-1', TOKEN_ENCRYPTION_KEY: KEY }, ALL),
    );
    expect(error.variables).toEqual(['MYSQL_URL', 'BYTEMARK_RATE_LIMIT_RPS']);
    expect(error.message).toMatch(/MYSQL_URL[\s\S]*BYTEMARK_RATE_LIMIT_RPS/);
    expect(error.message).not.toContain(secret);
    expect(configError(() => loadConfig({ MONGO_URL: secret }, ['mongo'])).message).not.toContain(secret);
  });

  it('refuses database URLs of another kind or without a database name', () => {
    expect(configError(() => loadConfig({ MYSQL_URL: 'postgres://x/y' }, ['mysql'])).variables).toEqual(['MYSQL_URL']);
    expect(() => loadConfig({ MYSQL_URL: 'mysql://root@127.0.0.1:3306/' }, ['mysql'])).toThrow(
      /MYSQL_URL: must name a database/,
    );
    expect(() => loadConfig({ MONGO_URL: 'mongodb://127.0.0.1:27017' }, ['mongo'])).toThrow(
      /MONGO_URL: must name a database/,
    );
    expect(loadConfig({ MONGO_URL: 'mongodb+srv://cluster.example/app' }, ['mongo']).mongoUrl).toBe(
      'mongodb+srv://cluster.example/app',
    );
  });

  it('refuses a grace window as long as the TTL', () => {
    expect(() => loadConfig({ TICKET_CACHE_TTL_MINUTES: '5', TICKET_CACHE_GRACE_MINUTES: '5' }, ['cache'])).toThrow(
      /TICKET_CACHE_GRACE_MINUTES/,
    );
  });

  it('stops without TOKEN_ENCRYPTION_KEY in any environment, naming the variable and how to generate one', () => {
    for (const env of [{}, { NODE_ENV: 'production' }, { NODE_ENV: 'development' }, { TOKEN_ENCRYPTION_KEY: '' }]) {
      const error = configError(() => loadConfig(env, ['tokens']));
      expect(error.variables).toEqual(['TOKEN_ENCRYPTION_KEY']);
      expect(error.message).toMatch(/TOKEN_ENCRYPTION_KEY: is required \(there is no default key\)/);
      expect(error.message).toContain('openssl rand -base64 32');
    }
  });

  it('refuses a malformed keyring without echoing it, and accepts a well-formed one with older keys', () => {
    const bad = ['k1:abc', 'no-colon', `k1:${Buffer.alloc(16).toString('base64')}`, `${KEY},${KEY}`, 'bad id!:xyz'];
    for (const value of bad) {
      const error = configError(() => loadConfig({ TOKEN_ENCRYPTION_KEY: value }, ['tokens']));
      expect(error.message).toMatch(/TOKEN_ENCRYPTION_KEY: is not a keyring/);
      expect(error.message).not.toContain(value);
    }
    // The same parser as TokenCipher's: the message says what is wrong.
    const short = configError(() => loadConfig({ TOKEN_ENCRYPTION_KEY: 'k1:abc' }, ['tokens']));
    expect(short.message).toContain('(key k1 must be 32 bytes of base64 (got 2 bytes))');
    const twice = configError(() => loadConfig({ TOKEN_ENCRYPTION_KEY: `${KEY},${KEY}` }, ['tokens']));
    expect(twice.message).toMatch(/key id \w+ appears twice/);
    const ring = `k2:${Buffer.alloc(32, 2).toString('base64')}, ${KEY}`;
    expect(loadConfig({ NODE_ENV: 'production', TOKEN_ENCRYPTION_KEY: ring }, ['tokens', 'runtime'])).toEqual({
      tokenEncryptionKeys: ring,
      production: true,
    });
  });

  it('rejects a free-ticket product list with a non-uuid entry, naming the entry', () => {
    expect(() => loadConfig({ FREE_TICKET_PRODUCT_UUIDS: 'abc' }, ['cache'])).toThrow(
      /FREE_TICKET_PRODUCT_UUIDS: item 0: Invalid UUID/,
    );
  });
});
