import { TABLE_OPTIONS, type MysqlMigration } from './migration';

/**
 * `bytemark_tokens` (domain §1.1). Column types beyond `user_id`'s unique index are inferred.
 * `password` and `token` hold AES-256-GCM ciphertext (`enc:v1:...`, see libs/data token-cipher),
 * hence the generous widths; legacy plaintext values fit as well.
 */
export const createBytemarkTokens: MysqlMigration = {
  name: '0001_create_bytemark_tokens',
  async up({ context: sequelize }) {
    await sequelize.query(`
      CREATE TABLE bytemark_tokens (
        id INT NOT NULL AUTO_INCREMENT,
        user_id INT NOT NULL,
        email VARCHAR(255) NOT NULL,
        password VARCHAR(512) NOT NULL,
        token VARCHAR(2048) NULL,
        status VARCHAR(32) NOT NULL DEFAULT 'used',
        created_on DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
        modified_on DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
        PRIMARY KEY (id),
        UNIQUE INDEX user_id_unique_idx__001 (user_id)
      ) ${TABLE_OPTIONS}`);
  },
  async down({ context: sequelize }) {
    await sequelize.query('DROP TABLE IF EXISTS bytemark_tokens');
  },
};
