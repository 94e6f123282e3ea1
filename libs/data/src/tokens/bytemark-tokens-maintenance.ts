import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { BYTEMARK_TOKENS_TABLE } from './bytemark-tokens.model';
import { BytemarkTokensRepository, tokenBinding } from './bytemark-tokens.repository';
import { TokenColumnTooNarrowError, TokenDecryptionError } from '../errors';
import { ENCRYPTED_LIKE, type TokenBinding, type TokenCipher } from './token-cipher';
import {
  ENCRYPTED_COPIES_TABLE,
  SETTINGS_TABLE,
  TOKEN_STORAGE_MODE_SETTING,
  type TokenStorageMode,
} from './token-storage.table';

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

/** Where each stored value lives: what its ciphertext is bound to. */
function bindingOf(row: StoredRow, column: StoredColumn): TokenBinding {
  if (column === 'copy_password') return tokenBinding(row.user_id, 'password', ENCRYPTED_COPIES_TABLE);
  if (column === 'copy_token') return tokenBinding(row.user_id, 'token', ENCRYPTED_COPIES_TABLE);
  return tokenBinding(row.user_id, column);
}

/** The scan's select: `bytemark_tokens` joined with its copies. */
const SCAN_SELECT = `SELECT t.id, t.user_id, t.password, t.token, c.password AS copy_password, c.token AS copy_token
  FROM ${BYTEMARK_TOKENS_TABLE} t LEFT JOIN ${ENCRYPTED_COPIES_TABLE} c ON c.user_id = t.user_id`;

/**
 * The operator's rewrites of `bytemark_tokens` (`npm run cli -- tokens ...`): key rotation, the end
 * of `expand` (finish-encryption), and encryption of plaintext rows left by the original platform.
 * Each scans the table in id order and rewrites a batch per transaction, a row only where it still
 * holds what was read: resumable, and never over a concurrent re-login.
 */
export class BytemarkTokensMaintenance {
  private readonly tokens: BytemarkTokensRepository;

  constructor(
    private readonly sequelize: Sequelize,
    private readonly cipher: TokenCipher,
  ) {
    this.tokens = new BytemarkTokensRepository(sequelize, cipher);
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
   * encrypted copies) written under an older key id, or unbound (`enc:v1:`), so that the older key
   * can be retired and every value is bound to its row and column (`enc:v2:`).
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
          for (const c of stale) {
            next[c] = this.cipher.encrypt(this.cipher.decrypt(row[c] as string, bindingOf(row, c)), bindingOf(row, c));
          }
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
      `SELECT MAX(CASE WHEN password NOT LIKE '${ENCRYPTED_LIKE}' THEN LENGTH(password) END) AS password,
              MAX(CASE WHEN token NOT LIKE '${ENCRYPTED_LIKE}' THEN LENGTH(token) END) AS token
         FROM ${BYTEMARK_TOKENS_TABLE}`,
      { type: QueryTypes.SELECT },
    );
    const tooNarrow = widths.flatMap(({ column_name: column, width }) => {
      const bytes = Number(longest?.[column as 'password' | 'token'] ?? 0);
      if (width === null || bytes === 0) return [];
      const needed = this.cipher.encrypt(
        'x'.repeat(bytes),
        tokenBinding(0, column === 'password' ? 'password' : 'token'),
      ).length;
      return needed > Number(width) ? [{ column, width: Number(width), needed }] : [];
    });
    if (tooNarrow.length > 0) throw new TokenColumnTooNarrowError(tooNarrow);
  }

  /**
   * The end of `expand` ("contract"): once every other reader of `bytemark_tokens` has stopped
   * reading the plaintext columns. With `execute: true` it first switches the mode to
   * `encrypted-only` (it waits for writes that read `expand` to commit; every later write is
   * ciphertext only), then encrypts in place every plaintext password and token and deletes the
   * encrypted copies. The plaintext columns are encrypted from what they hold (the platform may have written them after our copy). Resumable:
   * run it again until `plaintextLeft` is 0. Without `execute` it changes nothing and counts.
   */
  async finishEncryption(opts: { execute: boolean; batchSize?: number }): Promise<FinishEncryptionReport> {
    const modeBefore = await this.tokens.storageMode();
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
          password: this.seal(row.password, bindingOf(row, 'password')),
          token: this.seal(row.token, bindingOf(row, 'token')),
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
    report.plaintextLeft = (await this.tokens.storageReport()).plaintextRows;
    return report;
  }

  /** A plaintext value encrypted for its place; ciphertext and null as they are. */
  private seal(value: string | null, binding: TokenBinding): string | null {
    return value === null || this.cipher.isEncrypted(value) ? value : this.cipher.encrypt(value, binding);
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
        const next: StoredValues = {
          ...row,
          password: this.seal(row.password, bindingOf(row, 'password')),
          token: this.seal(row.token, bindingOf(row, 'token')),
        };
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
