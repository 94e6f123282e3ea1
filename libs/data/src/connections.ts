import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { checkServerIdentity, type PeerCertificate, type TLSSocket } from 'node:tls';
import {
  createConnection as createMysqlConnection,
  type Connection as MysqlConnection,
  type ConnectionOptions,
} from 'mysql2/promise';
import { Sequelize } from 'sequelize';
import { describeMysqlTls, parseMysqlTls, type MysqlTls } from '@btc/config';
import { DatabaseUrlError, MysqlConnectionError } from './errors';

export interface SequelizeOptions {
  logging?: false | ((sql: string) => void);
  pool?: { max: number };
}

/** What a MySQL URL says: where, who, which database, and TLS (from its query: ssl-mode, ssl-ca, ssl-cert, ssl-key). */
export interface MysqlUrlParts {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** Null: plain TCP. */
  tls: MysqlTls | null;
}

/** Parses a `mysql://user:pass@host:port/database[?ssl-mode=...]` URL; throws `DatabaseUrlError` naming what is wrong (never the password). */
export function parseMysqlUrl(mysqlUrl: string): MysqlUrlParts {
  let url: URL;
  try {
    url = new URL(mysqlUrl);
  } catch {
    throw new DatabaseUrlError('MySQL URL is not a valid URL (expected mysql://user@host:3306/database)');
  }
  if (url.protocol !== 'mysql:')
    throw new DatabaseUrlError(`MySQL URL must start with mysql:// (got ${url.protocol}//)`);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database || !/^[A-Za-z0-9_$]+$/.test(database)) {
    throw new DatabaseUrlError(`MySQL URL must name a database of letters, digits and _ (got '${database}')`);
  }
  const tls = parseMysqlTls(url);
  if ('problems' in tls) {
    throw new DatabaseUrlError(`MySQL URL: ${tls.problems.map((p) => `${p.parameter} ${p.problem}`).join('; ')}`);
  }
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username) || 'root',
    password: decodeURIComponent(url.password),
    database,
    tls: tls.tls,
  };
}

/**
 * mysql2's `ssl` option for a URL's TLS: the PEM files read now (a missing one is a
 * `DatabaseUrlError` naming the parameter and path), `rejectUnauthorized` unless REQUIRED, and the
 * host name checked against the certificate for VERIFY_IDENTITY (for an IP address, by
 * `verifyIpIdentity` after the handshake). Undefined: no TLS.
 */
function mysqlSslOptions(tls: MysqlTls | null, host: string): ConnectionOptions['ssl'] {
  if (!tls) return undefined;
  const read = (parameter: string, path: string | undefined) => {
    if (path === undefined) return undefined;
    try {
      return readFileSync(path);
    } catch (error) {
      throw new DatabaseUrlError(
        `MySQL ${parameter} ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  };
  const ca = read('ssl-ca', tls.caPath);
  const cert = read('ssl-cert', tls.certPath);
  const key = read('ssl-key', tls.keyPath);
  return {
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    rejectUnauthorized: tls.mode !== 'REQUIRED',
    // mysql2 names the host to TLS only when it is not an IP; for an IP, Node would check 'localhost'.
    verifyIdentity: tls.mode === 'VERIFY_IDENTITY' && isIP(host) === 0,
  };
}

/** Hosts whose certificate this process checked already: a resumed TLS session shows none again. */
const verifiedIpHosts = new Set<string>();

/**
 * VERIFY_IDENTITY for a URL whose host is an IP address: the server's certificate must name that
 * IP (a subjectAltName IP entry), as `checkServerIdentity` checks it; mysql2 checks host names only.
 * Throws the TLS error (`ERR_TLS_CERT_ALTNAME_INVALID`) on a mismatch. No-op in every other case.
 */
function verifyIpIdentity(parts: MysqlUrlParts, stream: unknown): void {
  if (parts.tls?.mode !== 'VERIFY_IDENTITY' || isIP(parts.host) === 0) return;
  const socket = stream as Partial<Pick<TLSSocket, 'getPeerCertificate' | 'isSessionReused'>>;
  const key = `${parts.host}:${parts.port}`;
  if (socket.isSessionReused?.() && verifiedIpHosts.has(key)) return;
  const cert = socket.getPeerCertificate?.() ?? ({} as PeerCertificate);
  const error = checkServerIdentity(parts.host, cert);
  if (error) throw error;
  verifiedIpHosts.add(key);
}

/** One mysql2 connection to the URL's server (no database selected), TLS as the URL says, identity checked. */
export async function connectMysqlServer(mysqlUrl: string): Promise<MysqlConnection> {
  const parts = parseMysqlUrl(mysqlUrl);
  const ssl = mysqlSslOptions(parts.tls, parts.host);
  const { host, port, user, password } = parts;
  const conn = await createMysqlConnection({
    host,
    port,
    user,
    password,
    connectTimeout: 5_000,
    ...(ssl ? { ssl } : {}),
  });
  try {
    verifyIpIdentity(parts, (conn as unknown as { connection: { stream: unknown } }).connection.stream);
  } catch (error) {
    conn.destroy();
    throw error;
  }
  return conn;
}

/**
 * A Sequelize instance for one MySQL/MariaDB database. Sessions run with `time_zone = '+00:00'` and
 * DATETIME values are read and written as UTC, so `Date`s round-trip whatever the host's zone.
 */
export function createSequelize(mysqlUrl: string, opts: SequelizeOptions = {}): Sequelize {
  const parts = parseMysqlUrl(mysqlUrl);
  const { host, port, user, password, database, tls } = parts;
  const ssl = mysqlSslOptions(tls, host);
  const sequelize = new Sequelize(database, user, password, {
    host,
    port,
    dialect: 'mysql',
    timezone: '+00:00',
    logging: opts.logging ?? false,
    pool: { max: opts.pool?.max ?? 5, min: 0, idle: 10_000 },
    define: { timestamps: false, freezeTableName: true, underscored: true },
    dialectOptions: { charset: 'utf8mb4', ...(ssl ? { ssl } : {}) },
  });
  if (tls?.mode === 'VERIFY_IDENTITY' && isIP(host) !== 0) {
    sequelize.addHook('afterConnect', (connection) => {
      const conn = connection as { stream: unknown; destroy(): void };
      try {
        verifyIpIdentity(parts, conn.stream);
      } catch (error) {
        conn.destroy();
        throw error;
      }
    });
  }
  return sequelize;
}

/** `CREATE DATABASE IF NOT EXISTS` (utf8mb4) for the database named in the URL. */
export async function ensureMysqlDatabase(mysqlUrl: string): Promise<void> {
  const { database } = parseMysqlUrl(mysqlUrl);
  const conn = await connectMysqlServer(mysqlUrl);
  try {
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4`);
  } finally {
    await conn.end();
  }
}

const TLS_UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
]);

/**
 * A MySQL connection failure in words: which setting to check (ssl-ca, ssl-mode, the host, the
 * credentials), with the driver's own code and message last. Never the password (not in the URL
 * description, and the driver's messages do not carry it).
 */
export function explainMysqlConnectionFailure(error: unknown, mysqlUrl: string): MysqlConnectionError {
  const { host, port, tls } = parseMysqlUrl(mysqlUrl);
  const chain: Array<{ code?: string; message: string }> = [];
  // Duck-typed, not `instanceof Error`: Node's TLS errors may come from another realm (a test's vm).
  for (let e: unknown = error, depth = 0; typeof e === 'object' && e !== null && depth < 6; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    chain.push({ ...(typeof code === 'string' ? { code } : {}), message: String(message ?? '') });
    const next = e as { parent?: unknown; original?: unknown; cause?: unknown };
    e = next.parent ?? next.original ?? next.cause;
  }
  const codes = new Set(chain.flatMap((c) => (c.code ? [c.code] : [])));
  const text = chain.map((c) => c.message).join(' <- ');
  const has = (...cs: string[]) => cs.some((c) => codes.has(c));
  const ca = tls?.caPath ? `ssl-ca (${tls.caPath})` : 'ssl-ca (none given: the system CAs)';
  let reason: MysqlConnectionError['reason'] = 'unknown';
  let what = 'the connection failed';
  // mysql2 reports a failed handshake as HANDSHAKE_SSL_ERROR with Node's message: both are read.
  if (
    [...codes].some((c) => TLS_UNTRUSTED.has(c)) ||
    /self[- ]signed certificate|unable to verify the first certificate|unable to get (local )?issuer certificate|certificate signature failure/i.test(
      text,
    )
  ) {
    reason = 'tls-untrusted';
    what = `the server's certificate is not signed by the CA in ${ca}: check MYSQL_SSL_CA (or ssl-ca in MYSQL_URL)`;
  } else if (has('ERR_TLS_CERT_ALTNAME_INVALID') || /does not match certificate's altnames/i.test(text)) {
    reason = 'tls-hostname';
    what = `the server's certificate does not name ${host} (ssl-mode VERIFY_IDENTITY): connect by a name it holds, or use VERIFY_CA`;
  } else if (has('CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID') || /certificate has expired|not yet valid/i.test(text)) {
    reason = 'tls-untrusted';
    what = "the server's certificate is expired or not yet valid";
  } else if (has('HANDSHAKE_NO_SSL_SUPPORT') || /does not support secure connection/i.test(text)) {
    reason = 'tls-unsupported';
    what = 'the server does not offer TLS, but ssl-mode asks for it';
  } else if (has('ER_SECURE_TRANSPORT_REQUIRED') || /insecure transport are prohibited/i.test(text)) {
    reason = 'tls-required';
    what = 'the server accepts TLS connections only: set MYSQL_SSL_MODE (or ssl-mode in MYSQL_URL) and MYSQL_SSL_CA';
  } else if (has('ER_ACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR')) {
    reason = 'credentials';
    what = tls
      ? 'the server refused the user or password in MYSQL_URL'
      : 'the server refused the user or password in MYSQL_URL (a server that requires TLS answers a connection without it the same way: check ssl-mode)';
  } else if (has('ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH') || /ECONNREFUSED|ETIMEDOUT/.test(text)) {
    reason = 'unreachable';
    what = 'nothing accepted the connection there (refused, unknown host or no answer in time): check MYSQL_URL';
  } else if (/ssl|tls|certificate|handshake/i.test(text)) {
    reason = 'tls-untrusted';
    what = `the TLS handshake failed: check ${ca} and ssl-mode`;
  }
  const driver = `${[...codes][0] ?? 'no code'}: ${chain.at(-1)?.message.split('\n')[0]?.slice(0, 200) ?? ''}`;
  return new MysqlConnectionError(
    `cannot connect to MySQL at ${host}:${port} (${describeMysqlTls(tls)}): ${what} (${driver})`,
    reason,
    { cause: error },
  );
}
