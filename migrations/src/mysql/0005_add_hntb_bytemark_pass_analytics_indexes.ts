import type { MysqlMigration } from './migration';

/** Indexes for the seed's analytics queries (per-user history by time; date/hour ranges over logged_on). Kept apart from 0003 so that table stays exactly the seed's. */
export const addHntbBytemarkPassAnalyticsIndexes: MysqlMigration = {
  name: '0005_add_hntb_bytemark_pass_analytics_indexes',
  creates: {
    kind: 'indexes',
    table: 'hntb_bytemark_pass',
    indexes: [
      { name: 'idx__user_id__logged_on', columns: ['user_id', 'logged_on'], unique: false },
      { name: 'idx__logged_on', columns: ['logged_on'], unique: false },
    ],
  },
  async up({ context: sequelize }) {
    await sequelize.query(
      'ALTER TABLE hntb_bytemark_pass ADD INDEX idx__user_id__logged_on (user_id, logged_on), ADD INDEX idx__logged_on (logged_on)',
    );
  },
  async down({ context: sequelize }) {
    await sequelize.query(
      'ALTER TABLE hntb_bytemark_pass DROP INDEX idx__user_id__logged_on, DROP INDEX idx__logged_on',
    );
  },
};
