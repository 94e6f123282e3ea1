import { createSequelize } from '@btc/data';
import { testMysqlUrl } from '@btc/data/testing';
import type { Sequelize } from 'sequelize';
import { readTable } from '../adoption/read-table';
import { migrateUp } from '../migrator';

/**
 * Checks the migrated schema against the stated DDL through information_schema, column by column.
 * MariaDB 10.11 and MySQL 8 report the same DDL differently; `readTable` (adoption/read-table.ts)
 * normalises both to one form (display widths, CURRENT_TIMESTAMP spellings, quoted defaults, EXTRA).
 */
interface Column {
  name: string;
  type: string;
  nullable: boolean;
  default: string | null;
  extra: string;
  comment: string;
}

async function columns(sequelize: Sequelize, table: string): Promise<Column[]> {
  const actual = await readTable(sequelize, table);
  return (actual?.columns ?? []).map((c) => ({
    name: c.name,
    type: c.type,
    nullable: c.nullable,
    default: c.default,
    extra: [c.autoIncrement ? 'auto_increment' : '', c.onUpdateCurrentTimestamp ? 'on update CURRENT_TIMESTAMP' : '']
      .filter(Boolean)
      .join(' '),
    comment: c.comment,
  }));
}

async function indexes(
  sequelize: Sequelize,
  table: string,
): Promise<Array<{ name: string; unique: boolean; columns: string }>> {
  const actual = await readTable(sequelize, table);
  return (actual?.indexes ?? []).map((i) => ({ name: i.name, unique: i.unique, columns: i.columns.join(',') }));
}

const CREATED = { type: 'datetime', nullable: false, default: 'CURRENT_TIMESTAMP', extra: '', comment: '' };
const MODIFIED = { ...CREATED, extra: 'on update CURRENT_TIMESTAMP' };

describe('migrated MySQL schema (information_schema)', () => {
  let sequelize: Sequelize;

  beforeAll(async () => {
    const url = testMysqlUrl('bytemark_migr_schema_test');
    await migrateUp({ mysqlUrl: url });
    sequelize = createSequelize(url);
  });
  afterAll(async () => {
    await sequelize.query('DROP DATABASE IF EXISTS bytemark_migr_schema_test');
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
