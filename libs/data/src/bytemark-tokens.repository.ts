import { Op, QueryTypes, type Sequelize } from 'sequelize';
import {
  BYTEMARK_TOKENS_TABLE,
  bytemarkTokensModel,
  type BytemarkTokenModel,
  type BytemarkTokenRow,
} from './bytemark-tokens.model';
import type { TokenCipher } from './token-cipher';

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

/** `bytemark_tokens`: one Bytemark account per platform user; password and token encrypted at rest. */
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

  /** The user's OAuth token, decrypted (the password is left alone); null without a row or a token. */
  async findToken(userId: number): Promise<string | null> {
    const row = (await this.model.findOne({ attributes: ['token'], where: { user_id: userId }, raw: true })) as Pick<
      BytemarkTokenRow,
      'token'
    > | null;
    return row?.token ? this.cipher.decrypt(row.token) : null;
  }

  /** The stored login, decrypted, for a re-login; null without a row. */
  async findCredentials(userId: number): Promise<{ email: string; password: string } | null> {
    const row = (await this.model.findOne({
      attributes: ['email', 'password'],
      where: { user_id: userId },
      raw: true,
    })) as Pick<BytemarkTokenRow, 'email' | 'password'> | null;
    return row ? { email: row.email, password: this.cipher.decrypt(row.password) } : null;
  }

  async updateToken(userId: number, token: string): Promise<void> {
    await this.sequelize.query(`UPDATE ${BYTEMARK_TOKENS_TABLE} SET token = ? WHERE user_id = ?`, {
      replacements: [this.cipher.encrypt(token), userId],
    });
  }

  async upsertAccount(a: {
    userId: number;
    email: string;
    password: string;
    token: string | null;
    status?: string;
  }): Promise<void> {
    await this.sequelize.query(
      `INSERT INTO ${BYTEMARK_TOKENS_TABLE} (user_id, email, password, token, status) VALUES (?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE email = VALUES(email), password = VALUES(password), token = VALUES(token), status = VALUES(status)`,
      {
        replacements: [
          a.userId,
          a.email,
          this.cipher.encrypt(a.password),
          a.token === null ? null : this.cipher.encrypt(a.token),
          a.status ?? 'used',
        ],
      },
    );
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

  /**
   * Finds rows whose password or token is still plaintext and, only with `execute: true`, encrypts
   * them in place. Each update is conditional on the row still holding the values read, so a
   * concurrent writer is never overwritten (that row is simply left for the next run).
   */
  async encryptLegacyRows(opts: { execute: boolean; batchSize?: number }): Promise<EncryptLegacyReport> {
    const batchSize = opts.batchSize ?? 500;
    const report: EncryptLegacyReport = { scanned: 0, toEncrypt: 0, encrypted: 0, userIds: [] };
    let afterId = 0;
    for (;;) {
      const rows = await this.sequelize.query<{ id: number; user_id: number; password: string; token: string | null }>(
        `SELECT id, user_id, password, token FROM ${BYTEMARK_TOKENS_TABLE} WHERE id > ? ORDER BY id LIMIT ?`,
        { replacements: [afterId, batchSize], type: QueryTypes.SELECT },
      );
      if (rows.length === 0) break;
      for (const row of rows) {
        report.scanned++;
        afterId = row.id;
        const plainPassword = !this.cipher.isEncrypted(row.password);
        const plainToken = row.token !== null && !this.cipher.isEncrypted(row.token);
        if (!plainPassword && !plainToken) continue;
        report.toEncrypt++;
        report.userIds.push(row.user_id);
        if (!opts.execute) continue;
        const [, affected] = await this.sequelize.query(
          `UPDATE ${BYTEMARK_TOKENS_TABLE} SET password = ?, token = ? WHERE id = ? AND password = BINARY ? AND token <=> BINARY ?`,
          {
            replacements: [
              plainPassword ? this.cipher.encrypt(row.password) : row.password,
              plainToken && row.token !== null ? this.cipher.encrypt(row.token) : row.token,
              row.id,
              row.password,
              row.token,
            ],
            type: QueryTypes.UPDATE,
          },
        );
        report.encrypted += Number(affected);
      }
    }
    return report;
  }
}
