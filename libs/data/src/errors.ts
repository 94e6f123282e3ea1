/** Thrown when a stored token/password cannot be decrypted: unknown key id, bad auth tag or a malformed value. The message names the key id, never the value. */
export class TokenDecryptionError extends Error {
  readonly type = 'TokenDecryptionError';
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
  readonly type = 'TokenKeyringError';
  constructor(message: string) {
    super(message);
    this.name = 'TokenKeyringError';
  }
}

/** Thrown by `TicketCacheRepository.replace` when a user's cache document would exceed MongoDB's 16 MB document limit. */
export class CacheDocumentTooLargeError extends Error {
  readonly type = 'CacheDocumentTooLargeError';
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
  readonly type = 'LegacyCacheDocumentError';
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
  readonly type = 'PayloadKeyError';
  constructor(readonly path: string) {
    super(`payload key at ${path} contains a NUL character, which MongoDB cannot store`);
    this.name = 'PayloadKeyError';
  }
}

/** Thrown when a staged value is incomplete (a chunk is missing); the producer must stage it again. */
export class StagingCorruptError extends Error {
  readonly type = 'StagingCorruptError';
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
  readonly type = 'StagingMissingError';
  constructor(readonly key: string) {
    super(`staged value ${key} is missing; it must be staged again`);
    this.name = 'StagingMissingError';
  }
}

/** Thrown when a database URL is malformed or (for test helpers) does not name a `_test` database. */
export class DatabaseUrlError extends Error {
  readonly type = 'DatabaseUrlError';
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
  readonly type = 'MysqlConnectionError';
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
  readonly type = 'TokenStorageNotMigratedError';
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
  readonly type = 'TokenColumnTooNarrowError';
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
  readonly type = 'TokenStorageModeError';
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
