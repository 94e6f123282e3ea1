import type { TableSpec } from '../adoption/table-spec';
import { TABLE_OPTIONS, type MysqlMigration } from './migration';

export const HNTB_TRIP_SPEC: TableSpec = {
  table: 'hntb_trip',
  columns: [
    { name: 'trip_id', type: 'int unsigned', nullable: false },
    { name: 'user_id', type: 'varchar(256)', nullable: false },
    { name: 'started_on', type: 'datetime', nullable: false },
    { name: 'travel_mode', type: 'varchar(64)', nullable: true },
  ],
  indexes: [
    { name: 'PRIMARY', columns: ['trip_id'], unique: true, required: true },
    { name: 'idx__user_id__started_on', columns: ['user_id', 'started_on'], unique: false },
  ],
};

/**
 * `hntb_trip` — INFERRED, not stated by any source: only the columns the seed's correlation query
 * reads (`trip_id`, `user_id`, `started_on`, `travel_mode`), typed like its sibling `hntb_bytemark_pass`
 * (`user_id` is the same hashed VARCHAR(256)). Indexed on (user_id, started_on) for that join.
 * Created only where no `hntb_trip` exists: the platform's own table, whatever its shape, is left alone.
 */
export const createHntbTrip: MysqlMigration = {
  name: '0004_create_hntb_trip',
  creates: { kind: 'table', spec: HNTB_TRIP_SPEC, anyShape: true },
  async up({ context: sequelize }) {
    await sequelize.query(`
      CREATE TABLE hntb_trip (
        trip_id INT UNSIGNED NOT NULL,
        user_id VARCHAR(256) NOT NULL,
        started_on DATETIME NOT NULL,
        travel_mode VARCHAR(64) NULL,
        PRIMARY KEY (trip_id),
        INDEX idx__user_id__started_on (user_id, started_on)
      ) ${TABLE_OPTIONS}`);
  },
  async down({ context: sequelize }) {
    await sequelize.query('DROP TABLE IF EXISTS hntb_trip');
  },
};
