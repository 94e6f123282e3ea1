import { QueryTypes, type Sequelize } from 'sequelize';

/** A column as `information_schema` reports it, normalised so MariaDB 10.11 and MySQL 8 read the same. */
export interface ActualColumn {
  name: string;
  type: string;
  nullable: boolean;
  default: string | null;
  autoIncrement: boolean;
  onUpdateCurrentTimestamp: boolean;
  generated: boolean;
  comment: string;
}

export interface ActualIndex {
  name: string;
  columns: string[];
  unique: boolean;
}

export interface ActualTable {
  table: string;
  /** `BASE TABLE` or `VIEW`. */
  tableType: string;
  columns: ActualColumn[];
  indexes: ActualIndex[];
}

/**
 * MariaDB 10.11 vs MySQL 8 in `information_schema.COLUMNS`:
 * - COLUMN_TYPE: `int(11)`, `int(10) unsigned` vs `int`, `int unsigned` (display widths dropped here).
 * - COLUMN_DEFAULT: `current_timestamp()`, quoted `'used'`, the text `NULL` vs `CURRENT_TIMESTAMP`, bare `used`, SQL NULL.
 * - EXTRA: `on update current_timestamp()` vs `DEFAULT_GENERATED on update CURRENT_TIMESTAMP`.
 */
export function normaliseType(columnType: string): string {
  return columnType
    .toLowerCase()
    .replace(/^(tinyint|smallint|mediumint|int|integer|bigint)\(\d+\)/, '$1')
    .replace(/^integer\b/, 'int')
    .trim();
}

export function normaliseDefault(value: string | null): string | null {
  if (value === null || value === 'NULL') return null;
  if (/^current_timestamp(\(\))?$/i.test(value)) return 'CURRENT_TIMESTAMP';
  const quoted = /^'(.*)'$/s.exec(value);
  return quoted ? (quoted[1] as string).replace(/''/g, "'") : value;
}

export async function tableNames(sequelize: Sequelize): Promise<string[]> {
  const rows = await sequelize.query<{ name: string }>(
    'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME',
    { type: QueryTypes.SELECT },
  );
  return rows.map((r) => r.name);
}

/** The table's columns and indexes, or null when no table or view of that name exists in the current database. */
export async function readTable(sequelize: Sequelize, table: string): Promise<ActualTable | null> {
  const [meta] = await sequelize.query<{ TABLE_TYPE: string }>(
    'SELECT TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
    { replacements: [table], type: QueryTypes.SELECT },
  );
  if (!meta) return null;
  const columns = await sequelize.query<{
    COLUMN_NAME: string;
    COLUMN_TYPE: string;
    IS_NULLABLE: string;
    COLUMN_DEFAULT: string | null;
    EXTRA: string;
    COLUMN_COMMENT: string;
  }>(
    `SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, COLUMN_COMMENT
     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    { replacements: [table], type: QueryTypes.SELECT },
  );
  const indexRows = await sequelize.query<{ INDEX_NAME: string; NON_UNIQUE: number | string; COLUMN_NAME: string }>(
    `SELECT INDEX_NAME, NON_UNIQUE, COLUMN_NAME FROM information_schema.STATISTICS
     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
    { replacements: [table], type: QueryTypes.SELECT },
  );
  const indexes = new Map<string, ActualIndex>();
  for (const r of indexRows) {
    const index = indexes.get(r.INDEX_NAME) ?? { name: r.INDEX_NAME, columns: [], unique: Number(r.NON_UNIQUE) === 0 };
    index.columns.push(r.COLUMN_NAME);
    indexes.set(r.INDEX_NAME, index);
  }
  return {
    table,
    tableType: meta.TABLE_TYPE,
    columns: columns.map((c) => {
      const extra = c.EXTRA.toLowerCase();
      return {
        name: c.COLUMN_NAME,
        type: normaliseType(c.COLUMN_TYPE),
        nullable: c.IS_NULLABLE === 'YES',
        default: normaliseDefault(c.COLUMN_DEFAULT),
        autoIncrement: extra.includes('auto_increment'),
        onUpdateCurrentTimestamp: /on update current_timestamp/.test(extra),
        generated: /\b(virtual|stored|persistent) generated\b/.test(extra),
        comment: c.COLUMN_COMMENT,
      };
    }),
    indexes: [...indexes.values()].sort((a, b) => a.name.localeCompare(b.name)),
  };
}
