import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../errors';
import { loadConfig } from '../load-config';
import { describeMysqlTls, parseMysqlTls } from './mysql-settings';

const tls = (query: string) => parseMysqlTls(new URL(`mysql://app:pw@db.example:3306/bytemark${query}`));

describe('MySQL TLS from the URL query', () => {
  it('no parameter, or ssl-mode=DISABLED, is plain TCP', () => {
    expect(tls('')).toEqual({ tls: null });
    expect(tls('?ssl-mode=disabled')).toEqual({ tls: null });
  });

  it('reads the mysql client parameter names; a CA without ssl-mode means VERIFY_IDENTITY', () => {
    expect(tls('?ssl-ca=/etc/mysql/ca.pem')).toEqual({ tls: { mode: 'VERIFY_IDENTITY', caPath: '/etc/mysql/ca.pem' } });
    expect(tls('?ssl-mode=verify-ca&ssl-ca=/ca.pem&ssl-cert=/c.pem&ssl-key=/k.pem')).toEqual({
      tls: { mode: 'VERIFY_CA', caPath: '/ca.pem', certPath: '/c.pem', keyPath: '/k.pem' },
    });
    expect(tls('?ssl-mode=REQUIRED')).toEqual({ tls: { mode: 'REQUIRED' } });
  });

  it('refuses an unknown parameter (a typo must not turn TLS off), a bad mode, and a certificate without its key', () => {
    expect(tls('?sslmode=VERIFY_IDENTITY')).toEqual({
      problems: [
        { parameter: 'query', problem: "unknown parameter 'sslmode' (known: ssl-mode, ssl-ca, ssl-cert, ssl-key)" },
      ],
    });
    expect(tls('?ssl-mode=strict')).toEqual({
      problems: [
        {
          parameter: 'ssl-mode',
          problem: "must be one of DISABLED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY (got 'strict')",
        },
      ],
    });
    expect(tls('?ssl-cert=/c.pem')).toMatchObject({ problems: [{ parameter: 'ssl-key' }] });
    expect(tls('?ssl-mode=DISABLED&ssl-ca=/ca.pem')).toMatchObject({ problems: [{ parameter: 'ssl-mode' }] });
  });

  it('describes the TLS in use without a secret', () => {
    expect(describeMysqlTls(null)).toBe('no TLS');
    expect(describeMysqlTls({ mode: 'VERIFY_IDENTITY', caPath: '/ca.pem', certPath: '/c', keyPath: '/k' })).toBe(
      'TLS VERIFY_IDENTITY (CA /ca.pem, client certificate)',
    );
    expect(describeMysqlTls({ mode: 'REQUIRED' })).toBe('TLS REQUIRED (server not verified)');
  });
});

describe('the mysql config section', () => {
  let dir: string;
  let ca: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mysql-settings-'));
    ca = join(dir, 'ca.pem');
    writeFileSync(ca, 'not read here');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env, ['mysql']);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    throw new Error('expected a ConfigError');
  };

  it('folds MYSQL_SSL_* into the URL, so one string carries the connection to every consumer', () => {
    const config = loadConfig(
      { MYSQL_URL: 'mysql://app:s3cret@db.example:3306/bytemark', MYSQL_SSL_CA: ca, MYSQL_SSL_MODE: 'VERIFY_CA' },
      ['mysql'],
    );
    const url = new URL(config.mysqlUrl);
    expect(url.searchParams.get('ssl-ca')).toBe(ca);
    expect(url.searchParams.get('ssl-mode')).toBe('VERIFY_CA');
    expect(parseMysqlTls(url)).toEqual({ tls: { mode: 'VERIFY_CA', caPath: ca } });
  });

  it('keeps a URL without TLS exactly as given', () => {
    expect(loadConfig({ MYSQL_URL: 'mysql://root@127.0.0.1:3306/bytemark' }, ['mysql']).mysqlUrl).toBe(
      'mysql://root@127.0.0.1:3306/bytemark',
    );
  });

  it('names the variable a problem came from, and never the password', () => {
    expect(problems({ MYSQL_URL: 'mysql://app:s3cret@db/bytemark', MYSQL_SSL_CA: join(dir, 'missing.pem') })).toEqual([
      { variable: 'MYSQL_SSL_CA', problem: `no file at ${join(dir, 'missing.pem')}` },
    ]);
    expect(problems({ MYSQL_URL: `mysql://app:s3cret@db/bytemark?ssl-ca=${ca}`, MYSQL_SSL_CA: ca })).toEqual([
      { variable: 'MYSQL_SSL_CA', problem: 'MYSQL_URL sets ssl-ca already: set it in one place' },
    ]);
    const fromUrl = problems({ MYSQL_URL: 'mysql://app:s3cret@db/bytemark?ssl-mode=on' });
    expect(fromUrl).toEqual([
      {
        variable: 'MYSQL_URL',
        problem: "ssl-mode must be one of DISABLED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY (got 'on')",
      },
    ]);
    expect(problems({ MYSQL_SSL_CERT: ca })).toEqual([
      {
        variable: 'MYSQL_SSL_KEY',
        problem: 'a client certificate needs its key (ssl-cert and ssl-key, both or neither)',
      },
    ]);
    expect(JSON.stringify(fromUrl)).not.toContain('s3cret');
  });

  it('MYSQL_POOL_MAX: a positive integer up to 1000, unset by default', () => {
    expect(loadConfig({}, ['mysql']).mysqlPoolMax).toBeUndefined();
    expect(loadConfig({ MYSQL_POOL_MAX: '60' }, ['mysql']).mysqlPoolMax).toBe(60);
    expect(problems({ MYSQL_POOL_MAX: '0' }).map((p) => p.variable)).toEqual(['MYSQL_POOL_MAX']);
    expect(problems({ MYSQL_POOL_MAX: 'lots' }).map((p) => p.variable)).toEqual(['MYSQL_POOL_MAX']);
  });
});
