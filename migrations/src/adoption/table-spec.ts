/**
 * What a migration creates, described so that an existing database can be compared with it before
 * anything changes. Types are written as `information_schema.COLUMNS.COLUMN_TYPE` reports them after
 * normalisation (see `read-table.ts`): `int`, `int unsigned`, `varchar(255)`, `datetime`.
 */
export interface ColumnSpec {
  name: string;
  type: string;
  nullable: boolean;
  /** Normalised default: `CURRENT_TIMESTAMP`, `0`, `used`; omitted when the column has none. */
  default?: string;
  autoIncrement?: boolean;
  onUpdateCurrentTimestamp?: boolean;
  comment?: string;
  /** This project never reads or writes the column: an existing table may lack it. */
  optional?: boolean;
  /** Strings: the narrowest width this project can work with (default: the width it creates). */
  minLength?: number;
  /** This project always writes the column, so an existing table may lack its default. */
  defaultOptional?: boolean;
}

export interface IndexSpec {
  /** `PRIMARY` for the primary key. */
  name: string;
  columns: string[];
  unique: boolean;
  /** Correctness depends on it (a key the upserts rely on); otherwise it only helps queries. */
  required?: boolean;
}

export interface TableSpec {
  table: string;
  columns: ColumnSpec[];
  indexes: IndexSpec[];
}

/** A migration that creates one table. `anyShape`: an existing table of that name is left alone whatever its shape. */
export interface CreatesTable {
  kind: 'table';
  spec: TableSpec;
  anyShape?: boolean;
}

/** A migration that adds indexes to a table. */
export interface CreatesIndexes {
  kind: 'indexes';
  table: string;
  indexes: IndexSpec[];
}

export type MigrationCreates = CreatesTable | CreatesIndexes;
