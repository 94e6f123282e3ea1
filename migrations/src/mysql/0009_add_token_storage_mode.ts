import { QueryTypes, type Sequelize } from 'sequelize';
import { ENCRYPTED_COPIES_TABLE, SETTINGS_TABLE, TOKEN_STORAGE_MODE_SETTING, type TokenStorageMode } from '@btc/data';
import { readAdoptions } from '../adoption/adoption-records';
import { TABLE_OPTIONS, type MysqlMigration } from './migration';

/**
 * The mode a database starts in: `expand` when `0001` adopted the original platform's
 * `bytemark_tokens` (its other services read the plaintext `token` / `password`), unless it has rows
 * and every one of them is already encrypted; `encrypted-only` for a table this project created.
 */
async function initialMode(sequelize: Sequelize): Promise<TokenStorageMode> {
  const adopted = (await readAdoptions(sequelize)).get('0001_create_bytemark_tokens')?.action === 'adopted';
  if (!adopted) return 'encrypted-only';
  const [row] = await sequelize.query<{ total: number; plaintext: number }>(
    `SELECT COUNT(*) AS total,
            COALESCE(SUM(password NOT LIKE 'enc:v_:%' OR (token IS NOT NULL AND token NOT LIKE 'enc:v_:%')), 0) AS plaintext
       FROM bytemark_tokens`,
    { type: QueryTypes.SELECT },
  );
  return Number(row?.total) > 0 && Number(row?.plaintext) === 0 ? 'encrypted-only' : 'expand';
}

/**
 * Ours: the token storage mode ("expand, then contract", see `libs/data/src/tokens/token-storage.table.ts`).
 * Creates `btc_settings` (one row per setting) holding `token_storage_mode`, and
 * `bytemark_tokens_encrypted`, where the encrypted form of what this service writes is kept while
 * the mode is `expand`. `bytemark_tokens` itself is not altered (an adopted table stays as it was).
 * Safe to run again: tables are created if missing and an existing mode row is kept. `down` drops
 * both tables: the copies only duplicate the plaintext columns, or are empty after `finish-encryption`.
 */
export const addTokenStorageMode: MysqlMigration = {
  name: '0009_add_token_storage_mode',
  async up({ context: sequelize }) {
    await sequelize.query(`
      CREATE TABLE IF NOT EXISTS ${SETTINGS_TABLE} (
        name VARCHAR(64) NOT NULL,
        value VARCHAR(255) NOT NULL,
        modified_on DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
        PRIMARY KEY (name)
      ) ${TABLE_OPTIONS}`);
    await sequelize.query(`
      CREATE TABLE IF NOT EXISTS ${ENCRYPTED_COPIES_TABLE} (
        user_id INT NOT NULL,
        password VARCHAR(512) CHARACTER SET ascii NULL,
        token VARCHAR(2048) CHARACTER SET ascii NULL,
        modified_on DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
        PRIMARY KEY (user_id)
      ) ${TABLE_OPTIONS}`);
    await sequelize.query(`INSERT IGNORE INTO ${SETTINGS_TABLE} (name, value) VALUES (?, ?)`, {
      replacements: [TOKEN_STORAGE_MODE_SETTING, await initialMode(sequelize)],
    });
  },
  async down({ context: sequelize }) {
    await sequelize.query(`DROP TABLE IF EXISTS ${ENCRYPTED_COPIES_TABLE}`);
    await sequelize.query(`DROP TABLE IF EXISTS ${SETTINGS_TABLE}`);
  },
};
