import { DataTypes, type Model, type ModelStatic, type Sequelize } from 'sequelize';

export const BYTEMARK_TOKENS_TABLE = 'bytemark_tokens';

/** A raw `bytemark_tokens` row: `password` and `token` as stored (ciphertext, or legacy plaintext). */
export interface BytemarkTokenRow {
  id: number;
  user_id: number;
  email: string;
  password: string;
  token: string | null;
  status: string;
  created_on: Date;
  modified_on: Date;
}

export type BytemarkTokenModel = ModelStatic<Model<BytemarkTokenRow, Partial<BytemarkTokenRow>>>;

/** The model on this Sequelize instance (defined once per instance; the schema itself comes from the migrations). */
export function bytemarkTokensModel(sequelize: Sequelize): BytemarkTokenModel {
  const existing = sequelize.models[BYTEMARK_TOKENS_TABLE];
  if (existing) return existing as BytemarkTokenModel;
  return sequelize.define<Model<BytemarkTokenRow, Partial<BytemarkTokenRow>>>(
    BYTEMARK_TOKENS_TABLE,
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      user_id: { type: DataTypes.INTEGER, allowNull: false, unique: 'user_id_unique_idx__001' },
      email: { type: DataTypes.STRING(255), allowNull: false },
      password: { type: DataTypes.STRING(512), allowNull: false },
      token: { type: DataTypes.STRING(2048), allowNull: true },
      status: { type: DataTypes.STRING(32), allowNull: false, defaultValue: 'used' },
      created_on: { type: DataTypes.DATE, allowNull: false },
      modified_on: { type: DataTypes.DATE, allowNull: false },
    },
    { tableName: BYTEMARK_TOKENS_TABLE, timestamps: false },
  );
}
