import { Op, QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import {
  BYTEMARK_TOKENS_TABLE,
  bytemarkTokensModel,
  type BytemarkTokenModel,
  type BytemarkTokenRow,
} from './bytemark-tokens.model';
import { TokenColumnTooNarrowError, TokenDecryptionError, TokenStorageNotMigratedError } from './errors';
import type { TokenCipher } from './token-cipher';
import {
  ENCRYPTED_COPIES_TABLE,
  SETTINGS_TABLE,
  TOKEN_STORAGE_MODE_SETTING,
  type TokenStorageMode,
} from './token-storage.table';

export interface BytemarkAccount {
  userId: number;
  email: string;
  /** decrypted */
  password: string;
  /** decrypted OAuth token, or null */
  token: string | null;
  status: string;
}

export interface EncryptLegacyReport {
  /** rows looked at */
  scanned: number;
  /** rows holding a plaintext token or password */
  toEncrypt: number;
  /** rows actually rewritten (0 on a dry run) */
  encrypted: number;
  /** the users of the rows in `toEncrypt` */
  userIds: number[];
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

export interface RotateReport {
  /** rows looked at */
  scanned: number;
  /** rows whose encrypted values are all under the current key already */
  underCurrentKey: number;
  /** rows holding no encrypted value at all (legacy plaintext: `encrypt-legacy` / `finish-encryption`) */
  plaintextOnly: number;
  /** rows with a value under an older key id that the keyring decrypted (what `--execute` rewrites) */
  toReencrypt: number;
  /** rows rewritten under the current key (0 on a dry run) */
  reencrypted: number;
  /** rows with a value the keyring cannot decrypt (left as they are) */
  failed: number;
  /** rows changed by another writer between read and write (left as they are; run again) */
  changedMeanwhile: number;
  /** up to 20 failed rows: user id and the key id that failed */
  failures: Array<{ userId: number; keyId: string | null }>;
}

export interface FinishEncryptionReport {
  modeBefore: TokenStorageMode;
  scanned: number;
  /** rows holding a plaintext password or token, or an encrypted copy */
  toRewrite: number;
  /** rows rewritten: plaintext encrypted in place, copies emptied (0 on a dry run) */
  rewritten: number;
  changedMeanwhile: number;
  /** rows still holding plaintext afterwards (0 when done; on a dry run, what is there now) */
  plaintextLeft: number;
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

/** A `bytemark_tokens` row as the maintenance scans read it, with its encrypted copy (expand mode) if any. */
interface StoredRow {
  id: number;
  user_id: number;
  /** NOT NULL in our schema; nullable in the original platform's table */
  password: string | null;
  token: string | null;
  copy_password: string | null;
  copy_token: string | null;
}

const STORED_COLUMNS = ['password', 'token', 'copy_password', 'copy_token'] as const;
type StoredColumn = (typeof STORED_COLUMNS)[number];
type StoredValues = Record<StoredColumn, string | null>;

/** The scan's select: `bytemark_tokens` joined with its copies. */
const SCAN_SELECT = `SELECT t.id, t.user_id, t.password, t.token, c.password AS copy_password, c.token AS copy_token
  FROM ${BYTEMARK_TOKENS_TABLE} t LEFT JOIN ${ENCRYPTED_COPIES_TABLE} c ON c.user_id = t.user_id`;
const ENCRYPTED_PREFIX = 'enc:v1:';

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
      password: this.cipher.decrypt(row.password),
      token: row.token === null ? null : this.cipher.decrypt(row.token),
      status: row.status,
    };
  }

  /** Whether the user has a stored token: reads one column, decrypts nothing. */
  async hasToken(userId: number): Promise<boolean> {
    const row = await this.model.findOne({
      attributes: ['id'],
      where: { user_id: userId, token: { [Op.and]: [{ [Op.ne]: null }, { [Op.ne]: '' }] } },
      raw: true,
    });
    return row !== null;
  }

  /** The user's OAuth token, decrypted (the password is left alone): the one decryption of a refresh. Null without a row or a token. */
  async findToken(userId: number): Promise<string | null> {
    const row = (await this.model.findOne({ attributes: ['token'], where: { user_id: userId }, raw: true })) as Pick<
      BytemarkTokenRow,
      'token'
    > | null;
    return row?.token ? this.cipher.decrypt(row.token) : null;
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
    return row?.password ? { email: row.email, password: this.cipher.decrypt(row.password) } : null;
  }

  /** The storage mode recorded by migration 0009 (`encrypted-only` when the row is missing). */
  async storageMode(transaction?: Transaction): Promise<TokenStorageMode> {
    // Inside a write's transaction, a shared lock: `finishEncryption` switches the mode (an exclusive
    // write of this row) only once the writes that read `expand` have committed, and its scan sees them.
    const [row] = await this.sequelize.query<{ value: string }>(
      `SELECT value FROM ${SETTINGS_TABLE} WHERE name = ?${transaction ? ' LOCK IN SHARE MODE' : ''}`,
      { replacements: [TOKEN_STORAGE_MODE_SETTING], type: QueryTypes.SELECT, transaction },
    );
    return row?.value === 'expand' ? 'expand' : 'encrypted-only';
  }

  /** How a value is written in the current mode: the shared column's content and its encrypted copy. */
  private storedForms(mode: TokenStorageMode, plain: string): { shared: string; copy: string | null } {
    const encrypted = this.cipher.encrypt(plain);
    return mode === 'expand' ? { shared: plain, copy: encrypted } : { shared: encrypted, copy: null };
  }

  async updateToken(userId: number, token: string): Promise<void> {
    await this.sequelize.transaction(async (transaction) => {
      const { shared, copy } = this.storedForms(await this.storageMode(transaction), token);
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
      const password = this.storedForms(mode, a.password);
      const token = a.token === null ? { shared: null, copy: null } : this.storedForms(mode, a.token);
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
  private async keyIdsInUse(): Promise<Array<{ keyId: string; values: number; userId: number; sample: string }>> {
    const parts = [BYTEMARK_TOKENS_TABLE, ENCRYPTED_COPIES_TABLE].flatMap((table) =>
      ['password', 'token'].map(
        (c) =>
          `SELECT user_id, ${c} AS value, SUBSTRING_INDEX(SUBSTRING(${c}, ${ENCRYPTED_PREFIX.length + 1}), ':', 1) AS key_id
             FROM ${table} WHERE ${c} LIKE '${ENCRYPTED_PREFIX}%'`,
      ),
    );
    // The sample and its user come from one row: the smallest `value user_id` pair of each key id.
    const rows = await this.sequelize.query<{ key_id: string; n: number; sample_row: string }>(
      `SELECT key_id, COUNT(*) AS n, MIN(CONCAT(value, ' ', user_id)) AS sample_row
         FROM (${parts.join(' UNION ALL ')}) k GROUP BY key_id ORDER BY key_id`,
      { type: QueryTypes.SELECT },
    );
    return rows.map((r) => {
      const space = r.sample_row.lastIndexOf(' ');
      return {
        keyId: String(r.key_id),
        values: Number(r.n),
        userId: Number(r.sample_row.slice(space + 1)),
        sample: r.sample_row.slice(0, space),
      };
    });
  }

  /**
   * Decrypts one stored value per key id in use: does this keyring read what is stored? The worker
   * refuses to start, and `encrypt-legacy` / `finish-encryption` refuse to write, when it does not.
   * Nothing is decrypted when no value is encrypted yet (a fresh or a plaintext-only table).
   */
  async checkKeyring(): Promise<KeyringCheck> {
    await this.assertStorageTables();
    const keyIds: KeyIdCheck[] = [];
    for (const { keyId, values, userId, sample } of await this.keyIdsInUse()) {
      try {
        this.cipher.decrypt(sample);
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
              COALESCE(SUM(password NOT LIKE '${ENCRYPTED_PREFIX}%' OR (token IS NOT NULL AND token NOT LIKE '${ENCRYPTED_PREFIX}%')), 0) AS plaintext,
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

  /** Rows in id order, `batchSize` at a time (a keyset scan: rows rewritten meanwhile are not seen twice). */
  private async *scan(batchSize: number): AsyncGenerator<StoredRow[]> {
    let afterId = 0;
    for (;;) {
      const rows = await this.sequelize.query<StoredRow>(`${SCAN_SELECT} WHERE t.id > ? ORDER BY t.id LIMIT ?`, {
        replacements: [afterId, batchSize],
        type: QueryTypes.SELECT,
      });
      const last = rows.at(-1);
      if (!last) return;
      afterId = last.id;
      yield rows;
    }
  }

  /** `rewriteIfUnchanged` for each planned rewrite of one batch, in one transaction (one commit per batch, not per row). */
  private async rewriteBatch(rewrites: Array<{ row: StoredRow; next: StoredValues }>): Promise<boolean[]> {
    if (rewrites.length === 0) return [];
    return this.sequelize.transaction(async (transaction) => {
      const done: boolean[] = [];
      for (const { row, next } of rewrites) done.push(await this.rewriteIfUnchanged(row, next, transaction));
      return done;
    });
  }

  /**
   * Writes `next` over a row (and its copy) only where it still holds what was read (`row`): a
   * concurrent writer is never overwritten; that row is left for the next run. A copy whose values
   * become null is deleted. Returns whether every part was rewritten.
   */
  private async rewriteIfUnchanged(row: StoredRow, next: StoredValues, transaction: Transaction): Promise<boolean> {
    let ok = true;
    if (next.password !== row.password || next.token !== row.token) {
      const [, affected] = await this.sequelize.query(
        `UPDATE ${BYTEMARK_TOKENS_TABLE} SET password = ?, token = ?
          WHERE id = ? AND password <=> BINARY ? AND token <=> BINARY ?`,
        {
          replacements: [next.password, next.token, row.id, row.password, row.token],
          type: QueryTypes.UPDATE,
          transaction,
        },
      );
      ok = Number(affected) > 0;
    }
    if (ok && (next.copy_password !== row.copy_password || next.copy_token !== row.copy_token)) {
      const same = 'user_id = ? AND password <=> BINARY ? AND token <=> BINARY ?';
      const matched = [row.user_id, row.copy_password, row.copy_token];
      if (next.copy_password === null && next.copy_token === null) {
        const deleted = await this.sequelize.query(`DELETE FROM ${ENCRYPTED_COPIES_TABLE} WHERE ${same}`, {
          replacements: matched,
          type: QueryTypes.BULKDELETE,
          transaction,
        });
        ok = Number(deleted) > 0;
      } else {
        const [, updated] = await this.sequelize.query(
          `UPDATE ${ENCRYPTED_COPIES_TABLE} SET password = ?, token = ? WHERE ${same}`,
          { replacements: [next.copy_password, next.copy_token, ...matched], type: QueryTypes.UPDATE, transaction },
        );
        ok = Number(updated) > 0;
      }
    }
    return ok;
  }

  /**
   * Key rotation: re-encrypts under the current key every stored value (password, token and their
   * encrypted copies) written under an older key id, so that the older key can be retired.
   * Changes nothing without `execute: true`. Resumable and idempotent: a row already under the
   * current key is skipped, so a run stopped anywhere is finished by running it again. Plaintext
   * values are left alone (that is `encryptLegacyRows` / `finishEncryption`).
   */
  async rotateKeys(opts: {
    execute: boolean;
    batchSize?: number;
    onProgress?: (r: RotateReport) => void;
  }): Promise<RotateReport> {
    const report: RotateReport = {
      scanned: 0,
      underCurrentKey: 0,
      plaintextOnly: 0,
      toReencrypt: 0,
      reencrypted: 0,
      failed: 0,
      changedMeanwhile: 0,
      failures: [],
    };
    for await (const rows of this.scan(opts.batchSize ?? 500)) {
      const rewrites: Array<{ row: StoredRow; next: StoredValues }> = [];
      for (const row of rows) {
        report.scanned++;
        const encrypted = STORED_COLUMNS.filter((c) => row[c] !== null && this.cipher.isEncrypted(row[c] as string));
        if (encrypted.length === 0) {
          report.plaintextOnly++;
          continue;
        }
        const stale = encrypted.filter((c) => this.cipher.needsReencryption(row[c] as string));
        if (stale.length === 0) {
          report.underCurrentKey++;
          continue;
        }
        const next: StoredValues = { ...row };
        try {
          for (const c of stale) next[c] = this.cipher.encrypt(this.cipher.decrypt(row[c] as string));
        } catch (error) {
          if (!(error instanceof TokenDecryptionError)) throw error;
          report.failed++;
          if (report.failures.length < 20) report.failures.push({ userId: row.user_id, keyId: error.keyId });
          continue;
        }
        report.toReencrypt++;
        rewrites.push({ row, next });
      }
      if (opts.execute) {
        for (const done of await this.rewriteBatch(rewrites)) {
          if (done) report.reencrypted++;
          else report.changedMeanwhile++;
        }
      }
      opts.onProgress?.(report);
    }
    return report;
  }

  /**
   * Refuses (`TokenColumnTooNarrowError`, before anything is written) when the longest plaintext
   * password or token would not fit its column once encrypted: an adopted table may keep the
   * original's narrower columns, and a strict server would fail half-way, a lax one truncate.
   */
  private async assertEncryptedValuesFit(): Promise<void> {
    const widths = await this.sequelize.query<{ column_name: string; width: number | null }>(
      `SELECT COLUMN_NAME AS column_name, CHARACTER_MAXIMUM_LENGTH AS width FROM information_schema.COLUMNS
        WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME IN ('password', 'token')`,
      { replacements: [BYTEMARK_TOKENS_TABLE], type: QueryTypes.SELECT },
    );
    const [longest] = await this.sequelize.query<{ password: number | null; token: number | null }>(
      `SELECT MAX(CASE WHEN password NOT LIKE '${ENCRYPTED_PREFIX}%' THEN LENGTH(password) END) AS password,
              MAX(CASE WHEN token NOT LIKE '${ENCRYPTED_PREFIX}%' THEN LENGTH(token) END) AS token
         FROM ${BYTEMARK_TOKENS_TABLE}`,
      { type: QueryTypes.SELECT },
    );
    const tooNarrow = widths.flatMap(({ column_name: column, width }) => {
      const bytes = Number(longest?.[column as 'password' | 'token'] ?? 0);
      if (width === null || bytes === 0) return [];
      const needed = this.cipher.encrypt('x'.repeat(bytes)).length;
      return needed > Number(width) ? [{ column, width: Number(width), needed }] : [];
    });
    if (tooNarrow.length > 0) throw new TokenColumnTooNarrowError(tooNarrow);
  }

  /**
   * The end of `expand` ("contract"): once every other reader of `bytemark_tokens` has stopped
   * reading the plaintext columns. With `execute: true` it first switches the mode to
   * `encrypted-only` (it waits for writes that read `expand` to commit; every later write is
   * ciphertext only), then encrypts in place every
   * plaintext password and token and deletes the encrypted copies. The plaintext columns are
   * encrypted from what they hold (the platform may have written them after our copy). Resumable:
   * run it again until `plaintextLeft` is 0. Without `execute` it changes nothing and counts.
   */
  async finishEncryption(opts: { execute: boolean; batchSize?: number }): Promise<FinishEncryptionReport> {
    const modeBefore = await this.storageMode();
    await this.assertEncryptedValuesFit();
    if (opts.execute) {
      await this.sequelize.query(
        `INSERT INTO ${SETTINGS_TABLE} (name, value) VALUES (?, 'encrypted-only') ON DUPLICATE KEY UPDATE value = VALUES(value)`,
        { replacements: [TOKEN_STORAGE_MODE_SETTING] },
      );
    }
    const report: FinishEncryptionReport = {
      modeBefore,
      scanned: 0,
      toRewrite: 0,
      rewritten: 0,
      changedMeanwhile: 0,
      plaintextLeft: 0,
    };
    for await (const rows of this.scan(opts.batchSize ?? 500)) {
      const rewrites: Array<{ row: StoredRow; next: StoredValues }> = [];
      for (const row of rows) {
        report.scanned++;
        const next: StoredValues = {
          password: this.seal(row.password),
          token: this.seal(row.token),
          copy_password: null,
          copy_token: null,
        };
        if (STORED_COLUMNS.every((c) => next[c] === row[c])) continue;
        report.toRewrite++;
        rewrites.push({ row, next });
      }
      if (!opts.execute) continue;
      for (const done of await this.rewriteBatch(rewrites)) {
        if (done) report.rewritten++;
        else report.changedMeanwhile++;
      }
    }
    if (opts.execute) {
      // Copies of users whose account row is gone.
      await this.sequelize.query(
        `DELETE c FROM ${ENCRYPTED_COPIES_TABLE} c LEFT JOIN ${BYTEMARK_TOKENS_TABLE} t ON t.user_id = c.user_id WHERE t.id IS NULL`,
      );
    }
    report.plaintextLeft = (await this.storageReport()).plaintextRows;
    return report;
  }

  /** A plaintext value encrypted; ciphertext and null as they are. */
  private seal(value: string | null): string | null {
    return value === null || this.cipher.isEncrypted(value) ? value : this.cipher.encrypt(value);
  }

  /**
   * Finds rows whose password or token is still plaintext and, only with `execute: true`, encrypts
   * them in place, one transaction per batch. Each update is conditional on the row still holding the
   * values read, so a concurrent writer is never overwritten (that row is left for the next run).
   */
  async encryptLegacyRows(opts: { execute: boolean; batchSize?: number }): Promise<EncryptLegacyReport> {
    await this.assertEncryptedValuesFit();
    const report: EncryptLegacyReport = { scanned: 0, toEncrypt: 0, encrypted: 0, userIds: [] };
    for await (const rows of this.scan(opts.batchSize ?? 500)) {
      const rewrites: Array<{ row: StoredRow; next: StoredValues }> = [];
      for (const row of rows) {
        report.scanned++;
        const next: StoredValues = { ...row, password: this.seal(row.password), token: this.seal(row.token) };
        if (next.password === row.password && next.token === row.token) continue;
        report.toEncrypt++;
        report.userIds.push(row.user_id);
        rewrites.push({ row, next });
      }
      if (opts.execute) report.encrypted += (await this.rewriteBatch(rewrites)).filter(Boolean).length;
    }
    return report;
  }
}
