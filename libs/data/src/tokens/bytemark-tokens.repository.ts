import { Op, QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import {
  BYTEMARK_TOKENS_TABLE,
  bytemarkTokensModel,
  type BytemarkTokenModel,
  type BytemarkTokenRow,
} from './bytemark-tokens.model';
import { TokenDecryptionError, TokenStorageModeError, TokenStorageNotMigratedError } from '../errors';
import { ENCRYPTED_LIKE, ENCRYPTED_PREFIX, type TokenBinding, type TokenCipher } from './token-cipher';
import {
  ENCRYPTED_COPIES_TABLE,
  SETTINGS_TABLE,
  TOKEN_STORAGE_MODE_SETTING,
  type TokenStorageMode,
} from './token-storage.table';

/** Where a user's password or token is stored in `bytemark_tokens` (`table` overrides it: the encrypted copies). */
export function tokenBinding(
  userId: number,
  column: TokenBinding['column'],
  table: string = BYTEMARK_TOKENS_TABLE,
): TokenBinding {
  return { table, column, userId: Number(userId) };
}

export interface BytemarkAccount {
  userId: number;
  email: string;
  /** decrypted */
  password: string;
  /** decrypted OAuth token, or null */
  token: string | null;
  status: string;
}

/** One key id found in stored values, and whether the keyring decrypted a value stored under it. */
export interface KeyIdCheck {
  keyId: string;
  /** stored values (password, token, and their encrypted copies) under this key id */
  values: number;
  /** the user whose value was decrypted (or failed to) */
  userId: number;
  ok: boolean;
  /** why it failed: the `TokenDecryptionError` (names the key id, never a value) */
  error?: TokenDecryptionError;
}

export interface KeyringCheck {
  currentKeyId: string;
  /** one entry per key id in use, sorted by key id; empty when no value is encrypted */
  keyIds: KeyIdCheck[];
}

export interface TokenStorageReport {
  mode: TokenStorageMode;
  rows: number;
  withToken: number;
  /** rows whose password or token column holds plaintext */
  plaintextRows: number;
  /** rows of `bytemark_tokens_encrypted` (expand mode) */
  copiedRows: number;
  /** stored encrypted values per key id */
  valuesByKeyId: Array<{ keyId: string; values: number }>;
}

/**
 * `bytemark_tokens`: one Bytemark account per platform user; password and token encrypted at rest.
 * The storage mode (`btc_settings.token_storage_mode`, see `token-storage.table.ts`) decides how a
 * write stores them: ciphertext in `password`/`token` (`encrypted-only`), or plaintext there for the
 * platform's other readers plus a ciphertext copy in `bytemark_tokens_encrypted` (`expand`). Reads
 * use `password`/`token` whatever they hold (plaintext passes through `TokenCipher.decrypt`
 * unchanged): in `expand` the platform may write them too, so they, not the copies, are the truth.
 */
export class BytemarkTokensRepository {
  private readonly model: BytemarkTokenModel;

  constructor(
    private readonly sequelize: Sequelize,
    private readonly cipher: TokenCipher,
  ) {
    this.model = bytemarkTokensModel(sequelize);
  }

  /** The account with password and token decrypted; legacy plaintext rows are returned as stored. */
  async findByUserId(userId: number): Promise<BytemarkAccount | null> {
    // Only the columns this project uses: a `bytemark_tokens` of the original platform has no created_on/modified_on.
    const row = (await this.model.findOne({
      attributes: ['user_id', 'email', 'password', 'token', 'status'],
      where: { user_id: userId },
      raw: true,
    })) as BytemarkTokenRow | null;
    if (!row) return null;
    return {
      userId: row.user_id,
      email: row.email,
      password: this.cipher.decrypt(row.password, tokenBinding(userId, 'password')),
      token: row.token === null ? null : this.cipher.decrypt(row.token, tokenBinding(userId, 'token')),
      status: row.status,
    };
  }

  /** The user's OAuth token, decrypted (the password is left alone): the one decryption of a refresh. Null without a row or a token. */
  async findToken(userId: number): Promise<string | null> {
    const row = (await this.model.findOne({ attributes: ['token'], where: { user_id: userId }, raw: true })) as Pick<
      BytemarkTokenRow,
      'token'
    > | null;
    return row?.token ? this.cipher.decrypt(row.token, tokenBinding(userId, 'token')) : null;
  }

  /**
   * The stored login, decrypted, for a re-login; null without a row or without a password (an
   * adopted table may hold NULL or ''): the refresh ends `failed-auth` instead of failing on it.
   */
  async findCredentials(userId: number): Promise<{ email: string; password: string } | null> {
    const row = (await this.model.findOne({
      attributes: ['email', 'password'],
      where: { user_id: userId },
      raw: true,
    })) as Pick<BytemarkTokenRow, 'email' | 'password'> | null;
    return row?.password
      ? { email: row.email, password: this.cipher.decrypt(row.password, tokenBinding(userId, 'password')) }
      : null;
  }

  /**
   * The storage mode recorded by migration 0009. Fails closed: a missing row or an unknown value
   * throws `TokenStorageModeError` (nothing is written on a guess; see the error).
   */
  async storageMode(transaction?: Transaction): Promise<TokenStorageMode> {
    // Inside a write's transaction, a shared lock: `finishEncryption` switches the mode (an exclusive
    // write of this row) only once the writes that read `expand` have committed, and its scan sees them.
    const [row] = await this.sequelize.query<{ value: string }>(
      `SELECT value FROM ${SETTINGS_TABLE} WHERE name = ?${transaction ? ' LOCK IN SHARE MODE' : ''}`,
      { replacements: [TOKEN_STORAGE_MODE_SETTING], type: QueryTypes.SELECT, transaction },
    );
    if (row?.value === 'expand' || row?.value === 'encrypted-only') return row.value;
    throw new TokenStorageModeError(row?.value ?? null);
  }

  /**
   * How a user's value is written in the current mode: the shared column's content and its encrypted
   * copy, each ciphertext bound to the table, column and user it is written to.
   */
  private storedForms(
    mode: TokenStorageMode,
    plain: string,
    userId: number,
    column: TokenBinding['column'],
  ): { shared: string; copy: string | null } {
    if (mode === 'expand') {
      return { shared: plain, copy: this.cipher.encrypt(plain, tokenBinding(userId, column, ENCRYPTED_COPIES_TABLE)) };
    }
    return { shared: this.cipher.encrypt(plain, tokenBinding(userId, column)), copy: null };
  }

  async updateToken(userId: number, token: string): Promise<void> {
    await this.sequelize.transaction(async (transaction) => {
      const { shared, copy } = this.storedForms(await this.storageMode(transaction), token, userId, 'token');
      await this.sequelize.query(`UPDATE ${BYTEMARK_TOKENS_TABLE} SET token = ? WHERE user_id = ?`, {
        replacements: [shared, userId],
        transaction,
      });
      if (copy !== null) {
        await this.sequelize.query(
          `INSERT INTO ${ENCRYPTED_COPIES_TABLE} (user_id, token) VALUES (?, ?) ON DUPLICATE KEY UPDATE token = VALUES(token)`,
          { replacements: [userId, copy], transaction },
        );
      }
    });
  }

  async upsertAccount(a: {
    userId: number;
    email: string;
    password: string;
    token: string | null;
    status?: string;
  }): Promise<void> {
    await this.sequelize.transaction(async (transaction) => {
      const mode = await this.storageMode(transaction);
      const password = this.storedForms(mode, a.password, a.userId, 'password');
      const token =
        a.token === null ? { shared: null, copy: null } : this.storedForms(mode, a.token, a.userId, 'token');
      await this.sequelize.query(
        `INSERT INTO ${BYTEMARK_TOKENS_TABLE} (user_id, email, password, token, status) VALUES (?, ?, ?, ?, ?)
         ON DUPLICATE KEY UPDATE email = VALUES(email), password = VALUES(password), token = VALUES(token), status = VALUES(status)`,
        { replacements: [a.userId, a.email, password.shared, token.shared, a.status ?? 'used'], transaction },
      );
      if (mode === 'expand') {
        await this.sequelize.query(
          `INSERT INTO ${ENCRYPTED_COPIES_TABLE} (user_id, password, token) VALUES (?, ?, ?)
           ON DUPLICATE KEY UPDATE password = VALUES(password), token = VALUES(token)`,
          { replacements: [a.userId, password.copy, token.copy], transaction },
        );
      }
    });
  }

  /** Users with a token, ascending, after the cursor. */
  async listTokenUserIds(opts: { afterUserId: number; limit: number }): Promise<number[]> {
    const rows = await this.model.findAll({
      attributes: ['user_id'],
      where: { user_id: { [Op.gt]: opts.afterUserId }, token: { [Op.ne]: null } },
      order: [['user_id', 'ASC']],
      limit: opts.limit,
    });
    return rows.map((r) => Number(r.get('user_id')));
  }

  async countTokenUsers(): Promise<number> {
    return this.model.count({ where: { token: { [Op.ne]: null } } });
  }

  /** Throws `TokenStorageNotMigratedError` unless migration 0009's tables exist. */
  private async assertStorageTables(): Promise<void> {
    const rows = await this.sequelize.query<{ name: string }>(
      'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (?, ?)',
      { replacements: [SETTINGS_TABLE, ENCRYPTED_COPIES_TABLE], type: QueryTypes.SELECT },
    );
    const present = new Set(rows.map((r) => r.name));
    const missing = [SETTINGS_TABLE, ENCRYPTED_COPIES_TABLE].filter((t) => !present.has(t));
    if (missing.length > 0) throw new TokenStorageNotMigratedError(missing);
  }

  /** Stored encrypted values per key id, and one of them (the smallest) to try decrypting: one scan of each table. */
  private async keyIdsInUse(): Promise<
    Array<{ keyId: string; values: number; userId: number; sample: string; binding: TokenBinding }>
  > {
    const parts = [BYTEMARK_TOKENS_TABLE, ENCRYPTED_COPIES_TABLE].flatMap((table) =>
      ['password', 'token'].map(
        (c) =>
          `SELECT user_id, ${c} AS value, '${table}.${c}' AS place,
                  SUBSTRING_INDEX(SUBSTRING(${c}, ${ENCRYPTED_PREFIX.length + 1}), ':', 1) AS key_id
             FROM ${table} WHERE ${c} LIKE '${ENCRYPTED_LIKE}'`,
      ),
    );
    // The sample, its user and its place come from one row: the smallest `value user_id place` of each key id.
    const rows = await this.sequelize.query<{ key_id: string; n: number; sample_row: string }>(
      `SELECT key_id, COUNT(*) AS n, MIN(CONCAT(value, ' ', user_id, ' ', place)) AS sample_row
         FROM (${parts.join(' UNION ALL ')}) k GROUP BY key_id ORDER BY key_id`,
      { type: QueryTypes.SELECT },
    );
    return rows.map((r) => {
      const [sample = '', userId = '0', place = ''] = r.sample_row.split(' ');
      const [table = BYTEMARK_TOKENS_TABLE, column] = place.split('.');
      return {
        keyId: String(r.key_id),
        values: Number(r.n),
        userId: Number(userId),
        sample,
        binding: tokenBinding(Number(userId), column === 'password' ? 'password' : 'token', table),
      };
    });
  }

  /**
   * Decrypts one stored value per key id in use: does this keyring read what is stored? The worker
   * refuses to start, and `encrypt-legacy` / `finish-encryption` refuse to write, when it does not, or
   * when the storage mode is not known (`TokenStorageModeError`).
   * Nothing is decrypted when no value is encrypted yet (a fresh or a plaintext-only table).
   */
  async checkKeyring(): Promise<KeyringCheck> {
    await this.assertStorageTables();
    // The worker and the token commands refuse to start without a known mode (their writes would need it).
    await this.storageMode();
    const keyIds: KeyIdCheck[] = [];
    for (const { keyId, values, userId, sample, binding } of await this.keyIdsInUse()) {
      try {
        this.cipher.decrypt(sample, binding);
        keyIds.push({ keyId, values, userId, ok: true });
      } catch (error) {
        if (!(error instanceof TokenDecryptionError)) throw error;
        keyIds.push({ keyId, values, userId, ok: false, error });
      }
    }
    return { currentKeyId: this.cipher.keyId, keyIds };
  }

  /**
   * Throws a `TokenDecryptionError` naming the key id when the keyring cannot decrypt a stored value
   * (`checkKeyring`); `what` says who refuses ("the worker refuses to start").
   */
  async assertKeyringDecrypts(what: string): Promise<KeyringCheck> {
    const check = await this.checkKeyring();
    const failed = check.keyIds.find((k) => !k.ok);
    if (failed?.error) {
      throw new TokenDecryptionError(
        `TOKEN_ENCRYPTION_KEY cannot decrypt the stored Bytemark tokens: decryption of a stored value (user ${failed.userId}) ` +
          `failed (${failed.error.message}; ${failed.values} stored values under key id '${failed.keyId}'). ${what}. ` +
          'Use the keyring these rows were written with (an older key may follow the current one: newKeyId:...,oldKeyId:...).',
        failed.keyId,
        { cause: failed.error },
      );
    }
    return check;
  }

  /** Mode and counts for `tokens status` (a scan of each table). */
  async storageReport(): Promise<TokenStorageReport> {
    await this.assertStorageTables();
    const [row] = await this.sequelize.query<{ total: number; with_token: number; plaintext: number; copied: number }>(
      `SELECT COUNT(*) AS total,
              COALESCE(SUM(token IS NOT NULL), 0) AS with_token,
              COALESCE(SUM(password NOT LIKE '${ENCRYPTED_LIKE}' OR (token IS NOT NULL AND token NOT LIKE '${ENCRYPTED_LIKE}')), 0) AS plaintext,
              (SELECT COUNT(*) FROM ${ENCRYPTED_COPIES_TABLE}) AS copied
         FROM ${BYTEMARK_TOKENS_TABLE}`,
      { type: QueryTypes.SELECT },
    );
    return {
      mode: await this.storageMode(),
      rows: Number(row?.total ?? 0),
      withToken: Number(row?.with_token ?? 0),
      plaintextRows: Number(row?.plaintext ?? 0),
      copiedRows: Number(row?.copied ?? 0),
      valuesByKeyId: (await this.keyIdsInUse()).map(({ keyId, values }) => ({ keyId, values })),
    };
  }
}
