import { connectMysqlServer, parseMysqlUrl } from '@btc/data';
import type { Connection } from 'mysql2/promise';

async function connectServer(mysqlUrl: string): Promise<{ conn: Connection; database: string }> {
  const { database } = parseMysqlUrl(mysqlUrl);
  const conn = await connectMysqlServer(mysqlUrl);
  return { conn, database };
}

/** Whether the database named in the URL exists (read-only; `status` and `down` never create it). */
export async function databaseExists(mysqlUrl: string): Promise<boolean> {
  const { conn, database } = await connectServer(mysqlUrl);
  try {
    const [rows] = await conn.query('SELECT COUNT(*) AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [
      database,
    ]);
    return Number((rows as Array<{ n: number }>)[0]?.n) > 0;
  } finally {
    await conn.end();
  }
}

/**
 * Serialises migration runs on one database across processes (MySQL named lock on a dedicated
 * connection), so `npm start`, `npm test` and the CLI never apply the same migration twice.
 */
export async function withMigrationLock<T>(mysqlUrl: string, fn: () => Promise<T>): Promise<T> {
  const { conn, database } = await connectServer(mysqlUrl);
  const lock = `btc:migrations:${database}`;
  try {
    const [rows] = await conn.query('SELECT GET_LOCK(?, 120) AS got', [lock]);
    const got = (rows as Array<{ got: number | null }>)[0]?.got;
    if (Number(got) !== 1) throw new Error(`timed out waiting for the migration lock on ${database}`);
    try {
      return await fn();
    } finally {
      await conn.query('DO RELEASE_LOCK(?)', [lock]);
    }
  } finally {
    await conn.end();
  }
}
