import type { Sequelize } from 'sequelize';
import type { MigrationCreates } from '../adoption/table-spec';

/** A numbered MySQL migration. `context` is the Sequelize instance; DDL is raw SQL so it matches the stated schema exactly. */
export interface MysqlMigration {
  name: string;
  /**
   * The table or indexes it creates, described for comparison with an existing database: a match
   * is adopted (recorded, not touched) instead of created. Without it the migration always runs.
   * `migrations.spec.ts` checks that what `up` creates matches this description exactly.
   */
  creates?: MigrationCreates;
  up(params: { context: Sequelize }): Promise<void>;
  down(params: { context: Sequelize }): Promise<void>;
}

/** Charset for new tables. Collation is left to the server default (MariaDB: utf8mb4_general_ci, MySQL 8: utf8mb4_0900_ai_ci). */
export const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4';
