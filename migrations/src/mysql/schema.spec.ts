import { createSequelize } from '@btc/data';
import { testMysqlUrl } from '@btc/data/testing';
import { QueryTypes, type Sequelize } from 'sequelize';
import { migrateUp } from '../migrator';

/**
 * Checks the migrated schema against the stated DDL through information_schema, column by column.
 * MariaDB 10.11 and MySQL 8 report the same DDL differently; `normalise` maps both to one form:
 * - COLUMN_DEFAULT: MariaDB `current_timestamp()`, quoted string literals (`'used'`) and the text
 *   `NULL`; MySQL 8 `CURRENT_TIMESTAMP`, bare `used` and SQL NULL.
 * - EXTRA: MariaDB `on update current_timestamp()`; MySQL 8 `DEFAULT_GENERATED on update CURRENT_TIMESTAMP`
 *   (and `DEFAULT_GENERATED` alone for a plain CURRENT_TIMESTAMP default).
 * - COLUMN_TYPE: MariaDB `int(10) unsigned`; MySQL 8.0.19+ drops the display width: `int unsigned`.
 */
interface Column {
  name: string;
  type: string;
  nullable: boolean;
  default: string | null;
  extra: string;
  comment: string;
}

function normaliseDefault(value: string | null): string | null {
  if (value === null || value === 'NULL') return null;
  if (/^current_timestamp(\(\))?$/i.test(value)) return 'CURRENT_TIMESTAMP';
  const quoted = /^'(.*)'$/.exec(value);
  return quoted ? (quoted[1] as string) : value;
}

function normaliseExtra(value: string): string {
  return value
    .replace(/DEFAULT_GENERATED/i, '')
    .replace(/current_timestamp(\(\))?/i, 'CURRENT_TIMESTAMP')
    .trim()
    .toLowerCase()
    .replace('current_timestamp', 'CURRENT_TIMESTAMP');
}

async function columns(sequelize: Sequelize, table: string): Promise<Column[]> {
  const rows = await sequelize.query<{
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
  return rows.map((r) => ({
    name: r.COLUMN_NAME,
    type: r.COLUMN_TYPE.replace(/^int\(\d+\)/, 'int'),
    nullable: r.IS_NULLABLE === 'YES',
    default: normaliseDefault(r.COLUMN_DEFAULT),
    extra: normaliseExtra(r.EXTRA),
    comment: r.COLUMN_COMMENT,
  }));
}

async function indexes(
  sequelize: Sequelize,
  table: string,
): Promise<Array<{ name: string; unique: boolean; columns: string }>> {
  const rows = await sequelize.query<{ INDEX_NAME: string; NON_UNIQUE: number; COLUMN_NAME: string }>(
    `SELECT INDEX_NAME, NON_UNIQUE, COLUMN_NAME FROM information_schema.STATISTICS
     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
    { replacements: [table], type: QueryTypes.SELECT },
  );
  const byName = new Map<string, { name: string; unique: boolean; columns: string[] }>();
  for (const r of rows) {
    const entry = byName.get(r.INDEX_NAME) ?? { name: r.INDEX_NAME, unique: Number(r.NON_UNIQUE) === 0, columns: [] };
    entry.columns.push(r.COLUMN_NAME);
    byName.set(r.INDEX_NAME, entry);
  }
  return [...byName.values()]
    .map((i) => ({ ...i, columns: i.columns.join(',') }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

const CREATED = { type: 'datetime', nullable: false, default: 'CURRENT_TIMESTAMP', extra: '', comment: '' };
const MODIFIED = { ...CREATED, extra: 'on update CURRENT_TIMESTAMP' };

describe('migrated MySQL schema (information_schema)', () => {
  let sequelize: Sequelize;

  beforeAll(async () => {
    const url = testMysqlUrl('bytemark_schema_test');
    await migrateUp({ mysqlUrl: url });
    sequelize = createSequelize(url);
  });
  afterAll(async () => {
    await sequelize.query('DROP DATABASE IF EXISTS bytemark_schema_test');
    await sequelize.close();
  });

  it('hntb_bytemark_pass matches the seed column by column', async () => {
    expect(await columns(sequelize, 'hntb_bytemark_pass')).toEqual([
      { name: 'bytemark_pass_id', type: 'int unsigned', nullable: false, default: null, extra: '', comment: '' },
      { name: 'user_id', type: 'varchar(256)', nullable: false, default: null, extra: '', comment: '' },
      {
        name: 'logged_on',
        type: 'datetime',
        nullable: false,
        default: null,
        extra: '',
        comment: 'The time that logged the bytemark pass',
      },
      { name: 'created_on', ...CREATED },
      { name: 'modified_on', ...MODIFIED },
    ]);
  });

  it('hntb_bytemark_pass has the primary key, the unique index named bytemark_pass_id, and the analytics indexes', async () => {
    expect(await indexes(sequelize, 'hntb_bytemark_pass')).toEqual([
      { name: 'bytemark_pass_id', unique: true, columns: 'bytemark_pass_id' },
      { name: 'idx__logged_on', unique: false, columns: 'logged_on' },
      { name: 'idx__user_id__logged_on', unique: false, columns: 'user_id,logged_on' },
      { name: 'PRIMARY', unique: true, columns: 'bytemark_pass_id' },
    ]);
  });

  it('bytemark_ticket_refresh_log matches the stated DDL column by column, with its index name', async () => {
    const unsignedZero = { type: 'int unsigned', nullable: false, default: '0', extra: '', comment: '' };
    expect(await columns(sequelize, 'bytemark_ticket_refresh_log')).toEqual([
      { name: 'id', type: 'int', nullable: false, default: null, extra: 'auto_increment', comment: '' },
      { name: 'user_id', ...unsignedZero },
      { name: 'activity_type', ...unsignedZero },
      { name: 'status', ...unsignedZero },
      { name: 'note', type: 'varchar(256)', nullable: true, default: null, extra: '', comment: '' },
      { name: 'scheduled_on', type: 'datetime', nullable: true, default: null, extra: '', comment: '' },
      { name: 'created_on', ...CREATED },
      { name: 'modified_on', ...MODIFIED },
    ]);
    expect(await indexes(sequelize, 'bytemark_ticket_refresh_log')).toEqual([
      { name: 'idx__user_id__status__001', unique: false, columns: 'user_id,status' },
      { name: 'PRIMARY', unique: true, columns: 'id' },
    ]);
  });

  it('bytemark_tokens has the unique user_id index user_id_unique_idx__001 and room for ciphertext', async () => {
    const cols = await columns(sequelize, 'bytemark_tokens');
    expect(cols.map((c) => `${c.name} ${c.type}${c.nullable ? ' null' : ''}`)).toEqual([
      'id int',
      'user_id int',
      'email varchar(255)',
      'password varchar(512)',
      'token varchar(2048) null',
      'status varchar(32)',
      'created_on datetime',
      'modified_on datetime',
    ]);
    expect(cols.find((c) => c.name === 'status')?.default).toBe('used');
    expect(await indexes(sequelize, 'bytemark_tokens')).toEqual([
      { name: 'PRIMARY', unique: true, columns: 'id' },
      { name: 'user_id_unique_idx__001', unique: true, columns: 'user_id' },
    ]);
  });

  it('hntb_trip has the inferred columns and the (user_id, started_on) index', async () => {
    const cols = await columns(sequelize, 'hntb_trip');
    expect(cols.map((c) => `${c.name} ${c.type}`)).toEqual([
      'trip_id int unsigned',
      'user_id varchar(256)',
      'started_on datetime',
      'travel_mode varchar(64)',
    ]);
    expect(await indexes(sequelize, 'hntb_trip')).toContainEqual({
      name: 'idx__user_id__started_on',
      unique: false,
      columns: 'user_id,started_on',
    });
  });
});
