import type { TableSpec } from '../adoption/table-spec';
import { TABLE_OPTIONS, type MysqlMigration } from './migration';

const TIMESTAMP = { type: 'datetime', nullable: false, default: 'CURRENT_TIMESTAMP', optional: true } as const;

/**
 * The original platform created this table (domain §1.1: id, user_id with the unique index, email,
 * password, token, status; types inferred). Adopting it needs what this project reads and writes:
 * - `password` and `token` hold ciphertext `enc:v2:<keyId>:<iv>:<tag>:<data>` (v1, unbound, still read): about 96 characters
 *   for a 12-character password, 80 + 4/3 of the length for a token. So at least 128 for the password
 *   and 255 for the token (tokens up to ~130 characters once encrypted); narrower stops the run.
 * - `status` is always written, so it needs no default; `created_on` / `modified_on` are ours and unused.
 * - the unique key on `user_id` is what the upsert relies on.
 */
export const BYTEMARK_TOKENS_SPEC: TableSpec = {
  table: 'bytemark_tokens',
  columns: [
    { name: 'id', type: 'int', nullable: false, autoIncrement: true },
    { name: 'user_id', type: 'int', nullable: false },
    { name: 'email', type: 'varchar(255)', nullable: false, minLength: 128 },
    { name: 'password', type: 'varchar(512)', nullable: false, minLength: 128 },
    { name: 'token', type: 'varchar(2048)', nullable: true, minLength: 255 },
    { name: 'status', type: 'varchar(32)', nullable: false, default: 'used', defaultOptional: true, minLength: 8 },
    { name: 'created_on', ...TIMESTAMP },
    { name: 'modified_on', ...TIMESTAMP, onUpdateCurrentTimestamp: true },
  ],
  indexes: [
    { name: 'PRIMARY', columns: ['id'], unique: true, required: true },
    { name: 'user_id_unique_idx__001', columns: ['user_id'], unique: true, required: true },
  ],
};

/**
 * `bytemark_tokens` (domain §1.1). Column types beyond `user_id`'s unique index are inferred.
 * `password` and `token` hold AES-256-GCM ciphertext (`enc:v2:...`, see libs/data token-cipher),
 * hence the generous widths; legacy plaintext values fit as well.
 */
export const createBytemarkTokens: MysqlMigration = {
  name: '0001_create_bytemark_tokens',
  creates: { kind: 'table', spec: BYTEMARK_TOKENS_SPEC },
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
