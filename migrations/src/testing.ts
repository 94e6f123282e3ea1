import type { Sequelize } from 'sequelize';
import { ORIGINAL_DDL } from './adoption/original-platform.fixture';

/**
 * Test-only entry point (`@btc/migrations/testing`): the original platform's tables as its knex
 * migrations created them, for tests in other projects (the takeover rehearsal).
 */
export {
  DIFFERING_DDL,
  ORIGINAL_DDL,
  createOriginalPlatformTables,
  snapshotTables,
} from './adoption/original-platform.fixture';

/** The original platform's tables (`ORIGINAL_DDL`), empty: the caller inserts the rows it needs. */
export async function createOriginalPlatformSchema(sequelize: Sequelize): Promise<string[]> {
  for (const statement of Object.values(ORIGINAL_DDL)) await sequelize.query(statement);
  return Object.keys(ORIGINAL_DDL);
}
