import { DEFAULT_FREE_TICKET_PRODUCT_UUIDS, LOCAL_DEV_ENCRYPTION_KEY, loadWorkerConfig } from './config';

describe('loadWorkerConfig', () => {
  it('works on the local stack with no environment at all', () => {
    const config = loadWorkerConfig({});
    expect(config.temporal).toEqual({ address: '127.0.0.1:7233', namespace: 'default' });
    expect(config.cache).toEqual({
      ttlSeconds: 3600,
      graceSeconds: 300,
      freeProductUuids: DEFAULT_FREE_TICKET_PRODUCT_UUIDS,
    });
    expect(config.tokenEncryptionKeys).toBe(LOCAL_DEV_ENCRYPTION_KEY);
  });

  it('reads lists and numbers from the environment', () => {
    const uuid = '0b8f8a6e-8d2a-4f4e-9a51-1c1f3f0f6a11';
    const config = loadWorkerConfig({
      FREE_TICKET_PRODUCT_UUIDS: ` ${uuid} ,`,
      TICKET_CACHE_TTL_MINUTES: '30',
      BYTEMARK_RATE_LIMIT_RPS: '2.5',
    });
    expect(config.cache.freeProductUuids).toEqual([uuid]);
    expect(config.cache.ttlSeconds).toBe(1800);
    expect(config.bytemark.rateLimitRps).toBe(2.5);
  });

  it('names every bad variable and never echoes a value', () => {
    const secret = 'not-a-url-but-a-secret-value';
    expect(() => loadWorkerConfig({ MYSQL_URL: secret, BYTEMARK_RATE_LIMIT_RPS: '-1' })).toThrow(
      /MYSQL_URL[\s\S]*BYTEMARK_RATE_LIMIT_RPS/,
    );
    const error = captureError(() => loadWorkerConfig({ MYSQL_URL: secret }));
    expect(error.message).toContain('MYSQL_URL');
    expect(error.message).not.toContain(secret);
  });

  it('refuses a grace window as long as the TTL', () => {
    expect(() => loadWorkerConfig({ TICKET_CACHE_TTL_MINUTES: '5', TICKET_CACHE_GRACE_MINUTES: '5' })).toThrow(
      /TICKET_CACHE_GRACE_MINUTES/,
    );
  });

  it('requires a real encryption key in production', () => {
    expect(() => loadWorkerConfig({ NODE_ENV: 'production' })).toThrow(/TOKEN_ENCRYPTION_KEY/);
  });

  it('rejects a free-ticket product list with a non-uuid entry', () => {
    expect(() => loadWorkerConfig({ FREE_TICKET_PRODUCT_UUIDS: 'abc' })).toThrow(/FREE_TICKET_PRODUCT_UUIDS/);
  });
});

function captureError(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
