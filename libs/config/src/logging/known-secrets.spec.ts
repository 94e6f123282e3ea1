import { knownSecrets } from './known-secrets';

describe('knownSecrets', () => {
  it('finds URL passwords (raw and decoded), secret-named values and each key of a keyring', () => {
    const secrets = knownSecrets({
      MYSQL_URL: 'mysql://btc:p%40ss-word@db:3306/bytemark',
      MONGO_URL: 'mongodb://127.0.0.1:27017/bytemark',
      TOKEN_ENCRYPTION_KEY: 'k2:bmV3LWtleS1tYXRlcmlhbA==,k1:b2xkLWtleS1tYXRlcmlhbA==',
      BYTEMARK_CLIENT_SECRET: 'client-secret-1',
      SLACK_BOT_TOKEN: 'xoxb-123456',
      NODE_ENV: 'production',
      DEBUG_TOKEN: 'true',
    });
    expect(secrets).toEqual(
      expect.arrayContaining([
        'p%40ss-word',
        'p@ss-word',
        'bmV3LWtleS1tYXRlcmlhbA==',
        'b2xkLWtleS1tYXRlcmlhbA==',
        'client-secret-1',
        'xoxb-123456',
      ]),
    );
    expect(secrets).not.toContain('production');
    expect(secrets).not.toContain('true');
  });
});
