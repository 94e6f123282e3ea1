import { QueryTypes, type Sequelize } from 'sequelize';
import type { Finding } from './compare-table';

/**
 * `btc_migration_adoptions`: for each executed migration that creates a table or indexes, whether
 * this project created them (`created`) or found them and left them as they were (`adopted`), with
 * the differences noted at the time. `down` reads it: it never drops what was adopted.
 * An executed migration without a row ran before this table existed, when a migration could only
 * create (CREATE TABLE failed on an existing table), so it counts as `created`.
 */
export const ADOPTIONS_TABLE = 'btc_migration_adoptions';

export type AdoptionAction = 'created' | 'adopted';

export interface AdoptionRecord {
  migration: string;
  tableName: string;
  action: AdoptionAction;
  notes: string | null;
}

export async function ensureAdoptionsTable(sequelize: Sequelize): Promise<void> {
  await sequelize.query(`
    CREATE TABLE IF NOT EXISTS ${ADOPTIONS_TABLE} (
      migration VARCHAR(255) NOT NULL,
      table_name VARCHAR(64) NOT NULL,
      action VARCHAR(16) NOT NULL,
      notes TEXT NULL,
      recorded_on DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
      PRIMARY KEY (migration)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
}

export async function recordAdoption(
  sequelize: Sequelize,
  r: { migration: string; tableName: string; action: AdoptionAction; findings: Finding[] },
): Promise<void> {
  await ensureAdoptionsTable(sequelize);
  const notes = r.findings.map((f) => `${f.subject}: ${f.text}`).join('\n') || null;
  await sequelize.query(
    `INSERT INTO ${ADOPTIONS_TABLE} (migration, table_name, action, notes) VALUES (?, ?, ?, ?)
     ON DUPLICATE KEY UPDATE table_name = VALUES(table_name), action = VALUES(action), notes = VALUES(notes), recorded_on = CURRENT_TIMESTAMP`,
    { replacements: [r.migration, r.tableName, r.action, notes] },
  );
}

/** Every record, by migration name; empty when the table does not exist yet (read-only). */
export async function readAdoptions(sequelize: Sequelize): Promise<Map<string, AdoptionRecord>> {
  const [exists] = await sequelize.query<{ n: number }>(
    'SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
    { replacements: [ADOPTIONS_TABLE], type: QueryTypes.SELECT },
  );
  if (Number(exists?.n) === 0) return new Map();
  const rows = await sequelize.query<{ migration: string; table_name: string; action: string; notes: string | null }>(
    `SELECT migration, table_name, action, notes FROM ${ADOPTIONS_TABLE} ORDER BY migration`,
    { type: QueryTypes.SELECT },
  );
  return new Map(
    rows.map((r) => [
      r.migration,
      {
        migration: r.migration,
        tableName: r.table_name,
        action: r.action === 'adopted' ? 'adopted' : 'created',
        notes: r.notes,
      },
    ]),
  );
}

export async function forgetAdoption(sequelize: Sequelize, migration: string): Promise<void> {
  const records = await readAdoptions(sequelize);
  if (!records.has(migration)) return;
  await sequelize.query(`DELETE FROM ${ADOPTIONS_TABLE} WHERE migration = ?`, { replacements: [migration] });
}
