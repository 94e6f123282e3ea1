import mongoose from 'mongoose';
import { createConnection as createMysqlConnection } from 'mysql2/promise';
import { Sequelize } from 'sequelize';
import { DatabaseUrlError } from './errors';

export interface SequelizeOptions {
  logging?: false | ((sql: string) => void);
  pool?: { max: number };
}

/** Parses a `mysql://user:pass@host:port/database` URL; throws `DatabaseUrlError` naming what is wrong (never the password). */
export function parseMysqlUrl(mysqlUrl: string): {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
} {
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
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username) || 'root',
    password: decodeURIComponent(url.password),
    database,
  };
}

/** The database name of a `mongodb://host:port/database` URL; throws `DatabaseUrlError` when missing. */
export function mongoDatabaseName(mongoUrl: string): string {
  let url: URL;
  try {
    url = new URL(mongoUrl);
  } catch {
    throw new DatabaseUrlError('MongoDB URL is not a valid URL (expected mongodb://host:27017/database)');
  }
  if (url.protocol !== 'mongodb:' && url.protocol !== 'mongodb+srv:') {
    throw new DatabaseUrlError(`MongoDB URL must start with mongodb:// (got ${url.protocol}//)`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database) throw new DatabaseUrlError('MongoDB URL must name a database (mongodb://host:27017/<database>)');
  return database;
}

/**
 * A Sequelize instance for one MySQL/MariaDB database. Sessions run with `time_zone = '+00:00'` and
 * DATETIME values are read and written as UTC, so `Date`s round-trip whatever the host's zone.
 */
export function createSequelize(mysqlUrl: string, opts: SequelizeOptions = {}): Sequelize {
  const { host, port, user, password, database } = parseMysqlUrl(mysqlUrl);
  return new Sequelize(database, user, password, {
    host,
    port,
    dialect: 'mysql',
    timezone: '+00:00',
    logging: opts.logging ?? false,
    pool: { max: opts.pool?.max ?? 5, min: 0, idle: 10_000 },
    define: { timestamps: false, freezeTableName: true, underscored: true },
    dialectOptions: { charset: 'utf8mb4' },
  });
}

/** A mongoose connection (not the global one) with `autoIndex` off: indexes are created by the migrations. */
export async function connectMongo(mongoUrl: string): Promise<mongoose.Connection> {
  mongoDatabaseName(mongoUrl);
  return mongoose
    .createConnection(mongoUrl, { autoIndex: false, autoCreate: false, serverSelectionTimeoutMS: 5_000 })
    .asPromise();
}

/** `CREATE DATABASE IF NOT EXISTS` (utf8mb4) for the database named in the URL. */
export async function ensureMysqlDatabase(mysqlUrl: string): Promise<void> {
  const { host, port, user, password, database } = parseMysqlUrl(mysqlUrl);
  const conn = await createMysqlConnection({ host, port, user, password, connectTimeout: 5_000 });
  try {
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4`);
  } finally {
    await conn.end();
  }
}
