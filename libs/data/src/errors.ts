import { TICKET_CACHE_COLLECTION } from './cache/ticket-cache.schema';

/** Thrown when a stored token/password cannot be decrypted: unknown key id, bad auth tag or a malformed value. The message names the key id, never the value. */
export class TokenDecryptionError extends Error {
  constructor(
    message: string,
    readonly keyId: string | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TokenDecryptionError';
  }
}

/** Thrown by `TokenCipher.fromKeyring` when the key spec is malformed. Never echoes key material. */
export class TokenKeyringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenKeyringError';
  }
}

/** Thrown by `TicketCacheRepository.replace` when a user's cache document would exceed MongoDB's 16 MB document limit. */
export class CacheDocumentTooLargeError extends Error {
  constructor(
    readonly userId: number,
    readonly bytes: number,
    readonly limitBytes: number,
    readonly passCount: number,
  ) {
    super(
      `ticket cache document for user ${userId} is ${bytes} bytes (${passCount} passes), over the ${limitBytes}-byte limit; it was not written`,
    );
    this.name = 'CacheDocumentTooLargeError';
  }
}

/**
 * Thrown when a user's cache document cannot be written because a document of the original platform
 * (ObjectId `_id`) holds the user's `user_id`: it must be re-keyed once (`npm run cli -- cache adopt-legacy`).
 */
export class LegacyCacheDocumentError extends Error {
  constructor(readonly userId: number) {
    super(
      `the cache of user ${userId} is a document of the original platform that was never re-keyed; ` +
        'run `npm run cli -- cache adopt-legacy --execute` once',
    );
    this.name = 'LegacyCacheDocumentError';
  }
}

/** Thrown when a payload key cannot be stored even after escaping (a NUL character). Names the key path. */
export class PayloadKeyError extends Error {
  constructor(readonly path: string) {
    super(`payload key at ${path} contains a NUL character, which MongoDB cannot store`);
    this.name = 'PayloadKeyError';
  }
}

/** Thrown when a staged value is incomplete (a chunk is missing); the producer must stage it again. */
export class StagingCorruptError extends Error {
  constructor(
    readonly key: string,
    readonly expectedChunks: number,
    readonly foundChunks: number,
  ) {
    super(`staged value ${key} has ${foundChunks} of ${expectedChunks} chunks`);
    this.name = 'StagingCorruptError';
  }
}

/** Thrown when a value a workflow staged (claim-check) is gone (cleaned up, or never written): the producer must stage it again. */
export class StagingMissingError extends Error {
  constructor(readonly key: string) {
    super(`staged value ${key} is missing; it must be staged again`);
    this.name = 'StagingMissingError';
  }
}

/** Thrown when a database URL is malformed or (for test helpers) does not name a `_test` database. */
export class DatabaseUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseUrlError';
  }
}

/**
 * Thrown when MySQL cannot be reached or refuses the connection (`explainMysqlConnectionFailure`):
 * the message says which setting to check (TLS CA, ssl-mode, host, credentials), never the password.
 */
export class MysqlConnectionError extends Error {
  constructor(
    message: string,
    readonly reason:
      'tls-untrusted' | 'tls-hostname' | 'tls-unsupported' | 'tls-required' | 'credentials' | 'unreachable' | 'unknown',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MysqlConnectionError';
  }
}

/**
 * Thrown by the token storage checks (`BytemarkTokensRepository.checkKeyring`, `storageReport`)
 * when migration 0009 has not run: `btc_settings` or `bytemark_tokens_encrypted` is missing.
 */
export class TokenStorageNotMigratedError extends Error {
  constructor(readonly missingTables: readonly string[]) {
    super(`the token storage tables are missing (${missingTables.join(', ')}): run \`npm run migrate -- up\` first`);
    this.name = 'TokenStorageNotMigratedError';
  }
}

/**
 * Thrown before encrypting in place (`finishEncryption`, `encryptLegacyRows`) when a plaintext value
 * would not fit its column once encrypted (an adopted `bytemark_tokens` may keep the original's
 * narrower columns): nothing is changed, and the operator widens the column first.
 */
export class TokenColumnTooNarrowError extends Error {
  constructor(readonly columns: ReadonlyArray<{ column: string; width: number; needed: number }>) {
    super(
      `encrypted values would not fit bytemark_tokens: ${columns
        .map((c) => `${c.column} is ${c.width} characters wide, the longest encrypted value needs ${c.needed}`)
        .join(
          '; ',
        )}. Widen the column(s) (ALTER TABLE bytemark_tokens MODIFY ...), then run this again; nothing was changed`,
    );
    this.name = 'TokenColumnTooNarrowError';
  }
}

/**
 * Thrown by every reader of the token storage mode (`BytemarkTokensRepository.storageMode`: token
 * writes, the keyring check the worker makes before it starts, `tokens status`) when
 * `btc_settings.token_storage_mode` is missing or holds an unknown value. Guessing `encrypted-only`
 * would write ciphertext over the plaintext an adopted database's other services read, so nothing
 * is written until an operator sets it. `found` is the value read (null: no row).
 */
export class TokenStorageModeError extends Error {
  constructor(readonly found: string | null) {
    super(
      `${found === null ? 'btc_settings has no token_storage_mode row' : `btc_settings holds token_storage_mode '${found.slice(0, 64)}', which is neither 'expand' nor 'encrypted-only'`}: ` +
        "this service cannot tell whether the platform's other services still read bytemark_tokens in plaintext, so it writes no token " +
        "and the worker does not start. Set it: 'expand' while they still read the plaintext columns (an adopted database), " +
        "'encrypted-only' once none does: INSERT INTO btc_settings (name, value) VALUES ('token_storage_mode', 'expand') " +
        'ON DUPLICATE KEY UPDATE value = VALUES(value)',
    );
    this.name = 'TokenStorageModeError';
  }
}

/** The identifying fields of a driver error, nothing else (no message: it may quote values). */
export interface DatabaseErrorCode {
  /** mysql2/Node code, e.g. `ER_LOCK_DEADLOCK`, `PROTOCOL_CONNECTION_LOST`, `ECONNREFUSED`; null when none. */
  readonly code: string | null;
  /** MySQL/MariaDB error number, e.g. 1213; null for client-side errors. */
  readonly errno: number | null;
  /** The error's class name, e.g. `SequelizeConnectionRefusedError`. */
  readonly errorName: string;
}

/**
 * Thrown when a database operation failed for a reason that goes away by itself: connection refused,
 * lost or killed, deadlock, lock wait timeout, too many connections, server shutting down, statement
 * timeout. Nothing of the failed statement was kept (single statements and the ingestion's transaction
 * are atomic), so running the whole operation again is safe; the activity lets Temporal retry it.
 */
export class TransientDatabaseError extends Error {
  readonly code: string | null;
  readonly errno: number | null;
  readonly errorName: string;
  constructor(
    /** What was being done, e.g. `insert into hntb_bytemark_pass`. */
    readonly operation: string,
    driver: DatabaseErrorCode,
  ) {
    super(`transient database error during ${operation} (${describeCode(driver)}); safe to retry`);
    this.name = 'TransientDatabaseError';
    this.code = driver.code;
    this.errno = driver.errno;
    this.errorName = driver.errorName;
  }
}

/**
 * Thrown when a database operation failed for a reason that is neither transient nor about one input
 * row: a missing table or column, access denied, a schema that differs. Retrying will not help until
 * an operator acts (migrate, grant); the message names the operation and the driver's code.
 */
export class DatabaseOperationError extends Error {
  readonly code: string | null;
  readonly errno: number | null;
  readonly errorName: string;
  constructor(
    readonly operation: string,
    driver: DatabaseErrorCode,
  ) {
    super(`database error during ${operation} (${describeCode(driver)})`);
    this.name = 'DatabaseOperationError';
    this.code = driver.code;
    this.errno = driver.errno;
    this.errorName = driver.errorName;
  }
}

/**
 * Thrown for a user whose documents kept changing while they were adopted (another writer: the
 * original's API flows, or a worker started too early). The user keeps a document; run again.
 */
export class LegacyCacheAdoptionConflictError extends Error {
  constructor(
    readonly userId: number,
    readonly attempts: number,
  ) {
    super(`the cache documents of user ${userId} changed under the adoption ${attempts} times in a row; run it again`);
    this.name = 'LegacyCacheAdoptionConflictError';
  }
}

/** Thrown when the unique `user_id` index cannot be rebuilt (two documents of one user, written by someone else meanwhile). */
export class CacheIndexRebuildError extends Error {
  constructor(
    readonly indexName: string,
    options?: { cause?: unknown },
  ) {
    super(
      `the unique index ${indexName} on ${TICKET_CACHE_COLLECTION}.user_id could not be rebuilt ` +
        '(a user has two documents again: was a worker or the original jobs running?); run adopt-legacy again',
      options,
    );
    this.name = 'CacheIndexRebuildError';
  }
}

/** Thrown by `dropBackup` while cache documents of the original still wait for adoption: the backup may hold their only copy. */
export class LegacyCacheBackupInUseError extends Error {
  constructor(readonly originalDocumentsLeft: number) {
    super(
      `${originalDocumentsLeft} cache documents still wait for adoption: finish \`cache adopt-legacy --execute\` first`,
    );
    this.name = 'LegacyCacheBackupInUseError';
  }
}

/** A driver error's code and errno for a message (its class name when it has neither). */
function describeCode(d: DatabaseErrorCode): string {
  const parts = [d.code, d.errno === null ? null : `errno ${d.errno}`].filter((p): p is string => p !== null);
  return parts.length > 0 ? parts.join(', ') : d.errorName;
}
