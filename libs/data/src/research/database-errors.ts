/**
 * Typed database failures for callers that must tell "try again" from "this will not work": the
 * research ingestion throws these instead of reporting a database problem as a rejected row. The
 * messages carry the operation and the driver's error code only, never SQL text, values or the
 * connection's configuration (the driver error is not kept as `cause` for that reason).
 */
import { DatabaseOperationError, TransientDatabaseError, type DatabaseErrorCode } from '../errors';
import { DUPLICATE_KEY } from '../mongo/mongo-errors';

/** What a driver error looks like, whether raw (mysql2) or wrapped by Sequelize (`parent`/`original`). */
interface DriverErrorShape {
  name?: unknown;
  code?: unknown;
  errno?: unknown;
  fatal?: unknown;
  parent?: unknown;
  original?: unknown;
}

/** MySQL/MariaDB error numbers that are transient. Matched by number: mysql2 has no names for MariaDB-only ones. */
const TRANSIENT_ERRNOS: ReadonlyMap<number, string> = new Map([
  [1040, 'ER_CON_COUNT_ERROR'], // too many connections
  [1041, 'ER_OUT_OF_RESOURCES'],
  [1053, 'ER_SERVER_SHUTDOWN'],
  [1077, 'ER_NORMAL_SHUTDOWN'],
  [1135, 'ER_CANT_CREATE_THREAD'],
  [1158, 'ER_NET_READ_ERROR'],
  [1159, 'ER_NET_READ_INTERRUPTED'],
  [1160, 'ER_NET_ERROR_ON_WRITE'],
  [1161, 'ER_NET_WRITE_INTERRUPTED'],
  [1203, 'ER_TOO_MANY_USER_CONNECTIONS'],
  [1205, 'ER_LOCK_WAIT_TIMEOUT'],
  [1213, 'ER_LOCK_DEADLOCK'],
  [1317, 'ER_QUERY_INTERRUPTED'], // KILL QUERY
  [1927, 'ER_CONNECTION_KILLED'], // MariaDB: KILL CONNECTION
  [1969, 'ER_STATEMENT_TIMEOUT'], // MariaDB: max_statement_time
  [2006, 'CR_SERVER_GONE_ERROR'],
  [2013, 'CR_SERVER_LOST'],
  [3024, 'ER_QUERY_TIMEOUT'], // MySQL: max_execution_time
  [4031, 'ER_CLIENT_INTERACTION_TIMEOUT'],
]);

/** Client-side codes (mysql2, Node sockets) of a connection that failed or went away. */
const TRANSIENT_CLIENT_CODES: ReadonlySet<string> = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ESOCKET',
]);

const TRANSIENT_CODES: ReadonlySet<string> = new Set([...TRANSIENT_CLIENT_CODES, ...TRANSIENT_ERRNOS.values()]);

/** Sequelize's wrappers for connection failures that are transient whatever the driver said. */
const TRANSIENT_SEQUELIZE_ERRORS: ReadonlySet<string> = new Set([
  'SequelizeConnectionRefusedError',
  'SequelizeConnectionAcquireTimeoutError',
  'SequelizeConnectionTimedOutError',
  'SequelizeHostNotReachableError',
]);

/** A fatal (connection-level) driver error is transient unless it says the login or database is wrong. */
const PERMANENT_CONNECT_ERRNOS: ReadonlySet<number> = new Set([
  1044, // ER_DBACCESS_DENIED_ERROR
  1045, // ER_ACCESS_DENIED_ERROR
  1049, // ER_BAD_DB_ERROR
  1251, // ER_NOT_SUPPORTED_AUTH_MODE
]);

/** Errors about one row's data (the row is invalid input the validation did not catch, e.g. a character the column's charset lacks). */
const ROW_DATA_ERRNOS: ReadonlyMap<number, string> = new Map([
  [1048, 'ER_BAD_NULL_ERROR'],
  [1264, 'ER_WARN_DATA_OUT_OF_RANGE'],
  [1292, 'ER_TRUNCATED_WRONG_VALUE'],
  [1300, 'ER_INVALID_CHARACTER_STRING'],
  [1366, 'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD'],
  [1406, 'ER_DATA_TOO_LONG'],
]);

const ER_DUP_ENTRY = 1062;

export type DatabaseFailureKind = 'transient' | 'duplicate-key' | 'row-data' | 'other';

/** The code, errno and class name of an error from mysql2 or Sequelize (the innermost driver error wins). */
export function databaseErrorCode(error: unknown): DatabaseErrorCode {
  const outer = asShape(error);
  const inner = asShape(outer.parent ?? outer.original);
  const code = typeof inner.code === 'string' ? inner.code : typeof outer.code === 'string' ? outer.code : null;
  const errno = typeof inner.errno === 'number' ? inner.errno : typeof outer.errno === 'number' ? outer.errno : null;
  const errorName = typeof outer.name === 'string' ? outer.name : 'Error';
  const named = code ?? (errno === null ? null : (TRANSIENT_ERRNOS.get(errno) ?? ROW_DATA_ERRNOS.get(errno) ?? null));
  return { code: named, errno, errorName };
}

/** MongoDB driver errors of a connection that failed or went away (FerretDB or MongoDB restarting, a network blip). */
const TRANSIENT_MONGO_ERRORS: ReadonlySet<string> = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoPoolClearedError',
  'MongoServerClosedError',
  'MongoNotConnectedError',
]);
/** MongoDB server codes of a server going away: InterruptedAtShutdown, ShutdownInProgress, NotWritablePrimary, ... */
const TRANSIENT_MONGO_CODES: ReadonlySet<number> = new Set([
  6, 7, 89, 91, 189, 9001, 10107, 11600, 11602, 13435, 13436,
]);

/** Sorts a database error (MySQL or MongoDB) into what the caller should do with it. */
export function classifyDatabaseError(error: unknown): DatabaseFailureKind {
  if (error instanceof TransientDatabaseError) return 'transient';
  const { code, errno, errorName } = databaseErrorCode(error);
  if (TRANSIENT_MONGO_ERRORS.has(errorName)) return 'transient';
  const mongoCode = (error as { code?: unknown } | null)?.code;
  if (errorName === 'MongoServerError' && typeof mongoCode === 'number') {
    return TRANSIENT_MONGO_CODES.has(mongoCode) ? 'transient' : mongoCode === DUPLICATE_KEY ? 'duplicate-key' : 'other';
  }
  if (errno === ER_DUP_ENTRY || code === 'ER_DUP_ENTRY') return 'duplicate-key';
  if (errno !== null && ROW_DATA_ERRNOS.has(errno)) return 'row-data';
  if (errno !== null && TRANSIENT_ERRNOS.has(errno)) return 'transient';
  if (code !== null && TRANSIENT_CODES.has(code)) return 'transient';
  if (TRANSIENT_SEQUELIZE_ERRORS.has(errorName)) return 'transient';
  const outer = asShape(error);
  const fatal = outer.fatal === true || asShape(outer.parent ?? outer.original).fatal === true;
  if (fatal && !(errno !== null && PERMANENT_CONNECT_ERRNOS.has(errno))) return 'transient';
  return 'other';
}

/** The driver's name for a row-data error, e.g. `ER_DATA_TOO_LONG` (for a reject reason that quotes no value). */
export function rowDataErrorName(error: unknown): string {
  const { code, errno } = databaseErrorCode(error);
  return code ?? (errno === null ? 'unknown' : `errno ${errno}`);
}

/**
 * Our typed errors pass through; a transient driver error becomes `TransientDatabaseError`, anything
 * else `DatabaseOperationError`. Use where a failure cannot be about one input row.
 */
export function toDatabaseError(error: unknown, operation: string): Error {
  if (error instanceof TransientDatabaseError || error instanceof DatabaseOperationError) return error;
  const driver = databaseErrorCode(error);
  return classifyDatabaseError(error) === 'transient'
    ? new TransientDatabaseError(operation, driver)
    : new DatabaseOperationError(operation, driver);
}

function asShape(value: unknown): DriverErrorShape {
  return typeof value === 'object' && value !== null ? (value as DriverErrorShape) : {};
}
