import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryTypes } from 'sequelize';
import { loadConfig } from '@btc/config';
import { createSequelize, ensureMysqlDatabase, explainMysqlConnectionFailure } from './connections';
import type { MysqlConnectionError } from './errors';

const MARIADBD = '/usr/sbin/mariadbd';
const INSTALL_DB = '/usr/bin/mariadb-install-db';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A CA and a server certificate it signs, naming only the IP 127.0.0.1; and a second, unrelated CA. */
function makeCertificates(dir: string): void {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  for (const ca of ['ca', 'other-ca']) {
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${ca}.key`,
      '-out',
      `${ca}.pem`,
      '-days',
      '1',
      '-subj',
      `/CN=${ca} of the test`,
    );
  }
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=db');
  writeFileSync(join(dir, 'san.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '1',
    '-extfile',
    'san.cnf',
  );
}

/**
 * MySQL over TLS for real: a MariaDB server of this test's own (a fresh data directory, a free port
 * on 127.0.0.1 and 127.0.0.2, `require_secure_transport`), its certificate signed by a CA made here,
 * and the connections the services make (`createSequelize`, `ensureMysqlDatabase`, from the config).
 * MySQL's TLS starts inside its protocol (an SSL request after the server's greeting), so a TLS
 * tunnel such as stunnel in front of the shared server could not stand in for it.
 */
describe('MySQL over TLS (a MariaDB server requiring it)', () => {
  let dir: string;
  let server: ChildProcess;
  let port: number;
  const url = (host: string, query: string, database = 'tls_test') =>
    `mysql://app:app-pa55@${host}:${port}/${database}${query ? `?${query}` : ''}`;

  /** What a connection made with `mysqlUrl` sees, or the explained failure and how long it took. */
  async function connect(
    mysqlUrl: string,
  ): Promise<{ tlsVersion: string } | { error: MysqlConnectionError; ms: number }> {
    const started = Date.now();
    const sequelize = createSequelize(mysqlUrl, { pool: { max: 1 } });
    try {
      const [row] = await sequelize.query<{ Value: string }>("SHOW SESSION STATUS LIKE 'Ssl_version'", {
        type: QueryTypes.SELECT,
      });
      return { tlsVersion: row?.Value ?? '' };
    } catch (error) {
      return { error: explainMysqlConnectionFailure(error, mysqlUrl), ms: Date.now() - started };
    } finally {
      await sequelize.close();
    }
  }
  const failure = async (mysqlUrl: string) => {
    const result = await connect(mysqlUrl);
    if (!('error' in result)) throw new Error(`expected ${mysqlUrl} to fail, it connected over ${result.tlsVersion}`);
    console.log(`${mysqlUrl.replace('app-pa55', '***')}: failed after ${result.ms} ms: ${result.error.message}`);
    expect(result.error.message).not.toContain('app-pa55');
    return result.error;
  };

  beforeAll(async () => {
    for (const binary of [MARIADBD, INSTALL_DB]) {
      if (!existsSync(binary)) throw new Error(`${binary} is missing: this test starts a MariaDB server of its own`);
    }
    dir = mkdtempSync(join(tmpdir(), 'mysql-tls-'));
    makeCertificates(dir);
    execFileSync(INSTALL_DB, [
      '--no-defaults',
      `--datadir=${join(dir, 'data')}`,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
      '--user=root',
    ]);
    port = await freePort();
    const socket = join(dir, 'mysqld.sock');
    server = spawn(
      MARIADBD,
      [
        '--no-defaults',
        `--datadir=${join(dir, 'data')}`,
        `--port=${port}`,
        '--bind-address=127.0.0.1,127.0.0.2',
        `--socket=${socket}`,
        '--user=root',
        '--skip-name-resolve',
        `--ssl-ca=${join(dir, 'ca.pem')}`,
        `--ssl-cert=${join(dir, 'server.pem')}`,
        `--ssl-key=${join(dir, 'server.key')}`,
        '--require-secure-transport=ON',
        `--log-error=${join(dir, 'error.log')}`,
        `--pid-file=${join(dir, 'mysqld.pid')}`,
      ],
      { stdio: 'ignore' },
    );
    for (let i = 0; !existsSync(socket); i++) {
      if (i > 100 || server.exitCode !== null) throw new Error(`mariadbd did not start (see ${dir}/error.log)`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    execFileSync('mariadb', [
      '--no-defaults',
      `--socket=${socket}`,
      '-uroot',
      '-e',
      "CREATE USER 'app'@'%' IDENTIFIED BY 'app-pa55'; GRANT ALL ON *.* TO 'app'@'%';",
    ]);
  }, 60_000);
  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('MYSQL_SSL_CA with the CA that signed the server: the services connect over TLS, verifying the certificate names the IP', async () => {
    const config = loadConfig({ MYSQL_URL: url('127.0.0.1', ''), MYSQL_SSL_CA: join(dir, 'ca.pem') }, ['mysql']);
    await ensureMysqlDatabase(config.mysqlUrl);
    const sequelize = createSequelize(config.mysqlUrl);
    try {
      await sequelize.query('CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY)');
      await sequelize.query('REPLACE INTO t VALUES (1)');
      const [row] = await sequelize.query<{ Value: string }>("SHOW SESSION STATUS LIKE 'Ssl_version'", {
        type: QueryTypes.SELECT,
      });
      expect(row?.Value).toMatch(/^TLSv1\.[23]$/);
      expect(await sequelize.query('SELECT id FROM t', { type: QueryTypes.SELECT })).toEqual([{ id: 1 }]);
    } finally {
      await sequelize.close();
    }
  });

  it("a CA that did not sign the server's certificate fails within seconds, naming ssl-ca", async () => {
    const error = await failure(url('127.0.0.1', `ssl-ca=${join(dir, 'other-ca.pem')}`));
    expect(error.reason).toBe('tls-untrusted');
    expect(error.message).toContain(
      `the server's certificate is not signed by the CA in ssl-ca (${join(dir, 'other-ca.pem')}): check MYSQL_SSL_CA`,
    );
  });

  it('VERIFY_IDENTITY refuses a certificate that does not name the host (a name, or another IP); VERIFY_CA accepts it', async () => {
    const ca = `ssl-ca=${join(dir, 'ca.pem')}`;
    const byName = await failure(url('localhost', ca));
    expect(byName.reason).toBe('tls-hostname');
    expect(byName.message).toContain("the server's certificate does not name localhost");
    // The same server on another loopback IP: the certificate names 127.0.0.1 only.
    const otherIp = await failure(url('127.0.0.2', ca));
    expect(otherIp.reason).toBe('tls-hostname');
    expect(otherIp.message).toContain("the server's certificate does not name 127.0.0.2");
    expect(await connect(url('127.0.0.2', `${ca}&ssl-mode=VERIFY_CA`))).toEqual({
      tlsVersion: expect.stringMatching(/^TLSv1/),
    });
  });

  it('REQUIRED encrypts without checking the certificate; without TLS the server refuses, and the message says to check ssl-mode', async () => {
    expect(await connect(url('127.0.0.2', 'ssl-mode=REQUIRED'))).toEqual({
      tlsVersion: expect.stringMatching(/^TLSv1/),
    });
    const plain = await failure(url('127.0.0.1', ''));
    // MariaDB answers a connection without TLS as a refused login when it requires TLS.
    expect(plain.reason).toBe('credentials');
    expect(plain.message).toMatch(/no TLS\): the server refused the user or password .*requires TLS.*ssl-mode/);
  });
});
