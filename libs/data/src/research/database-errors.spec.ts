import { DatabaseOperationError, TransientDatabaseError } from '../errors';
import { classifyDatabaseError, toDatabaseError } from './database-errors';

/** A mysql2 server error as Sequelize wraps it (`parent` and `original` are the driver error). */
function sequelizeError(name: string, driver: Record<string, unknown>): Error {
  const parent = Object.assign(new Error(String(driver['message'] ?? 'driver error')), driver);
  return Object.assign(new Error(parent.message), {
    name,
    parent,
    original: parent,
    sql: "INSERT INTO hntb_bytemark_pass VALUES (1, 'secret-user', '2025-03-01 00:00:00')",
  });
}

describe('classifyDatabaseError', () => {
  it.each([
    ['a deadlock', sequelizeError('SequelizeDatabaseError', { code: 'ER_LOCK_DEADLOCK', errno: 1213 })],
    ['a lock wait timeout', sequelizeError('SequelizeDatabaseError', { code: 'ER_LOCK_WAIT_TIMEOUT', errno: 1205 })],
    ['too many connections', sequelizeError('SequelizeConnectionError', { code: 'ER_CON_COUNT_ERROR', errno: 1040 })],
    ['too many connections for the user', sequelizeError('SequelizeConnectionError', { errno: 1203 })],
    ['a killed connection (MariaDB, no mysql2 name)', sequelizeError('SequelizeDatabaseError', { errno: 1927 })],
    ['a server shutting down', sequelizeError('SequelizeDatabaseError', { code: 'ER_SERVER_SHUTDOWN', errno: 1053 })],
    ['a lost connection', sequelizeError('SequelizeDatabaseError', { code: 'PROTOCOL_CONNECTION_LOST', fatal: true })],
    ['a reset socket', sequelizeError('SequelizeDatabaseError', { code: 'ECONNRESET' })],
    ['a closed connection reused', sequelizeError('SequelizeDatabaseError', { fatal: true })],
    ['a refused connection', sequelizeError('SequelizeConnectionRefusedError', { code: 'ECONNREFUSED' })],
    [
      'an exhausted pool',
      Object.assign(new Error('acquire timeout'), { name: 'SequelizeConnectionAcquireTimeoutError' }),
    ],
  ])('treats %s as transient', (_what, error) => {
    expect(classifyDatabaseError(error)).toBe('transient');
  });

  it.each([
    ['a missing table', sequelizeError('SequelizeDatabaseError', { code: 'ER_NO_SUCH_TABLE', errno: 1146 })],
    [
      'access denied',
      sequelizeError('SequelizeAccessDeniedError', { code: 'ER_ACCESS_DENIED_ERROR', errno: 1045, fatal: true }),
    ],
    [
      'an unknown database',
      sequelizeError('SequelizeConnectionError', { code: 'ER_BAD_DB_ERROR', errno: 1049, fatal: true }),
    ],
    ['a syntax error', sequelizeError('SequelizeDatabaseError', { code: 'ER_PARSE_ERROR', errno: 1064 })],
    ['a plain Error', new Error('boom')],
  ])('does not treat %s as transient', (_what, error) => {
    expect(classifyDatabaseError(error)).toBe('other');
  });

  it('tells a duplicate key and a row the column cannot hold from the rest', () => {
    expect(
      classifyDatabaseError(sequelizeError('SequelizeUniqueConstraintError', { code: 'ER_DUP_ENTRY', errno: 1062 })),
    ).toBe('duplicate-key');
    expect(classifyDatabaseError(sequelizeError('SequelizeDatabaseError', { errno: 1366 }))).toBe('row-data');
    expect(
      classifyDatabaseError(sequelizeError('SequelizeDatabaseError', { code: 'ER_DATA_TOO_LONG', errno: 1406 })),
    ).toBe('row-data');
  });
});

describe('toDatabaseError', () => {
  it('keeps the operation and code, and neither the SQL nor its values nor the driver message', () => {
    const driver = sequelizeError('SequelizeDatabaseError', {
      code: 'ER_LOCK_DEADLOCK',
      errno: 1213,
      message: "Deadlock found; user 'secret-user'",
    });
    const error = toDatabaseError(driver, 'insert into hntb_bytemark_pass');
    expect(error).toBeInstanceOf(TransientDatabaseError);
    expect(error).toMatchObject({
      name: 'TransientDatabaseError',
      operation: 'insert into hntb_bytemark_pass',
      code: 'ER_LOCK_DEADLOCK',
      errno: 1213,
      errorName: 'SequelizeDatabaseError',
    });
    const everything = `${String(error)} ${JSON.stringify(error)} ${String((error as Error).cause)}`;
    expect(everything).not.toContain('secret-user');
    expect(everything).not.toContain('INSERT');
  });

  it('names a permanent failure DatabaseOperationError and passes typed errors through unchanged', () => {
    const missing = toDatabaseError(
      sequelizeError('SequelizeDatabaseError', { code: 'ER_NO_SUCH_TABLE', errno: 1146 }),
      'count hntb_bytemark_pass',
    );
    expect(missing).toBeInstanceOf(DatabaseOperationError);
    expect(missing.message).toBe('database error during count hntb_bytemark_pass (ER_NO_SUCH_TABLE, errno 1146)');
    expect(toDatabaseError(missing, 'something else')).toBe(missing);
  });
});
