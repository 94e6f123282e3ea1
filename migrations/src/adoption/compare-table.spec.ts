import { compareTable, parseColumnType, type Finding } from './compare-table';
import type { ActualColumn, ActualTable } from './read-table';
import type { TableSpec } from './table-spec';

const SPEC: TableSpec = {
  table: 'accounts',
  columns: [
    { name: 'id', type: 'int', nullable: false, autoIncrement: true },
    { name: 'user_id', type: 'int', nullable: false },
    { name: 'token', type: 'varchar(2048)', nullable: true, minLength: 255 },
    { name: 'status', type: 'varchar(32)', nullable: false, default: 'used', defaultOptional: true },
    { name: 'created_on', type: 'datetime', nullable: false, default: 'CURRENT_TIMESTAMP' },
    { name: 'modified_on', type: 'datetime', nullable: false, default: 'CURRENT_TIMESTAMP', optional: true },
  ],
  indexes: [
    { name: 'PRIMARY', columns: ['id'], unique: true, required: true },
    { name: 'user_unique', columns: ['user_id'], unique: true, required: true },
    { name: 'by_status', columns: ['status'], unique: false },
  ],
};

const column = (name: string, type: string, more: Partial<ActualColumn> = {}): ActualColumn => ({
  name,
  type,
  nullable: false,
  default: null,
  autoIncrement: false,
  onUpdateCurrentTimestamp: false,
  generated: false,
  comment: '',
  ...more,
});

/** The table exactly as SPEC creates it. */
function exact(): ActualTable {
  return {
    table: 'accounts',
    tableType: 'BASE TABLE',
    columns: [
      column('id', 'int', { autoIncrement: true }),
      column('user_id', 'int'),
      column('token', 'varchar(2048)', { nullable: true }),
      column('status', 'varchar(32)', { default: 'used' }),
      column('created_on', 'datetime', { default: 'CURRENT_TIMESTAMP' }),
      column('modified_on', 'datetime', { default: 'CURRENT_TIMESTAMP' }),
    ],
    indexes: [
      { name: 'PRIMARY', columns: ['id'], unique: true },
      { name: 'user_unique', columns: ['user_id'], unique: true },
      { name: 'by_status', columns: ['status'], unique: false },
    ],
  };
}

function withColumn(table: ActualTable, name: string, change: Partial<ActualColumn> | null): ActualTable {
  const columns =
    change === null
      ? table.columns.filter((c) => c.name !== name)
      : table.columns.map((c) => (c.name === name ? { ...c, ...change } : c));
  return { ...table, columns };
}

const lines = (findings: Finding[]) => findings.map((f) => `${f.severity} ${f.subject}: ${f.text}`);

describe('compareTable', () => {
  it('a table exactly as the migration creates it has no findings', () => {
    expect(compareTable(SPEC, exact())).toEqual([]);
  });

  it('a string column narrower than ours but wide enough for what we store is a note; narrower than that stops', () => {
    expect(lines(compareTable(SPEC, withColumn(exact(), 'token', { type: 'varchar(255)' })))).toEqual([
      'note column token: varchar(255) here, we create varchar(2048): enough (this project needs 255)',
    ]);
    expect(lines(compareTable(SPEC, withColumn(exact(), 'token', { type: 'varchar(100)' })))).toEqual([
      'stop column token: varchar(100) here; this project needs at least 255 characters (we create varchar(2048))',
    ]);
    expect(lines(compareTable(SPEC, withColumn(exact(), 'token', { type: 'text' })))).toEqual([
      'note column token: text here, we create varchar(2048): compatible',
    ]);
  });

  it('an integer column of another family or narrower stops; wider or other signedness is a note', () => {
    expect(compareTable(SPEC, withColumn(exact(), 'user_id', { type: 'smallint' }))[0]?.severity).toBe('stop');
    expect(compareTable(SPEC, withColumn(exact(), 'user_id', { type: 'varchar(20)' }))[0]?.text).toMatch(
      /incompatible type/,
    );
    expect(lines(compareTable(SPEC, withColumn(exact(), 'user_id', { type: 'bigint unsigned' })))).toEqual([
      'note column user_id: bigint unsigned here, we create int: compatible',
    ]);
  });

  it('a needed column missing stops; a column this project does not use may be missing', () => {
    expect(lines(compareTable(SPEC, withColumn(exact(), 'user_id', null)))).toEqual([
      'stop column user_id: missing; this project needs it (int NOT NULL)',
    ]);
    expect(lines(compareTable(SPEC, withColumn(exact(), 'modified_on', null)))).toEqual([
      'note column modified_on: missing; this project does not use it',
    ]);
  });

  it('NOT NULL where we write NULL stops; a default our inserts rely on must be there unless we always write the column', () => {
    expect(compareTable(SPEC, withColumn(exact(), 'token', { nullable: false }))[0]).toMatchObject({
      severity: 'stop',
      text: 'NOT NULL here; this project writes NULL into it',
    });
    expect(lines(compareTable(SPEC, withColumn(exact(), 'created_on', { default: null })))).toEqual([
      "stop column created_on: no default here; this project's inserts leave it to the default CURRENT_TIMESTAMP",
    ]);
    expect(lines(compareTable(SPEC, withColumn(exact(), 'status', { default: null })))).toEqual([
      'note column status: default none here, we create used',
    ]);
    expect(lines(compareTable(SPEC, withColumn(exact(), 'id', { autoIncrement: false })))).toEqual([
      "stop column id: not AUTO_INCREMENT here; this project's inserts omit it",
    ]);
  });

  it('an extra column is a note, unless it is NOT NULL without a default (our inserts would fail)', () => {
    const extra = (c: ActualColumn) => ({ ...exact(), columns: [...exact().columns, c] });
    expect(lines(compareTable(SPEC, extra(column('legacy', 'int', { nullable: true }))))).toEqual([
      'note column legacy: int here, not ours: left as it is',
    ]);
    expect(compareTable(SPEC, extra(column('tenant', 'int')))[0]?.severity).toBe('stop');
  });

  it('a key the upserts rely on may carry another name; a missing query index is only a note', () => {
    const table = exact();
    table.indexes = [
      { name: 'PRIMARY', columns: ['id'], unique: true },
      { name: 'user_id_idx', columns: ['user_id'], unique: true },
    ];
    expect(lines(compareTable(SPEC, table))).toEqual([
      'note index user_unique: present as user_id_idx unique (user_id)',
      'note index by_status: (status) missing: queries on it will be slower (add it yourself if wanted)',
    ]);
    table.indexes = [
      { name: 'PRIMARY', columns: ['id'], unique: true },
      { name: 'user_unique', columns: ['user_id'], unique: false },
    ];
    expect(lines(compareTable(SPEC, table))[0]).toBe(
      "stop index user_unique: is (user_id) here, we create unique (user_id); this project's writes rely on it",
    );
  });

  it('a view of that name stops the run', () => {
    expect(lines(compareTable(SPEC, { ...exact(), tableType: 'VIEW' }))).toEqual([
      'stop table: accounts is a VIEW here, not a table',
    ]);
  });
});

describe('parseColumnType', () => {
  it('reads family, width and signedness', () => {
    expect(parseColumnType('int unsigned')).toEqual({ base: 'int', family: 'integer', unsigned: true });
    expect(parseColumnType('varchar(255)')).toMatchObject({ family: 'string', length: 255 });
    expect(parseColumnType('mediumtext')).toMatchObject({ family: 'string', length: 16_777_215 });
    expect(parseColumnType('datetime(3)')).toMatchObject({ family: 'datetime' });
  });
});
