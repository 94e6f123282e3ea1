import { QueryTypes, type Sequelize } from 'sequelize';
import { validatePassInteraction, type PassInteractionRow } from './pass-interaction.validation';

/** Rows per INSERT statement. */
export const INSERT_CHUNK_SIZE = 1000;

export interface BatchReport {
  inserted: number;
  /** Rows whose pass id is already in the table, or repeated earlier in the batch. */
  duplicates: Array<{ index: number; bytemarkPassId: number }>;
  rejected: Array<{ index: number; reason: string }>;
}

interface Indexed {
  index: number;
  row: PassInteractionRow;
}

const TABLE = 'hntb_bytemark_pass';

/**
 * `hntb_bytemark_pass`: logs pass interactions for the research data set. Batches go in chunks of
 * 1,000 rows per statement; a chunk that fails is retried without the ids already present, then
 * row by row, so one bad row never costs the others and nothing is dropped without being reported.
 */
export class PassInteractionRepository {
  constructor(private readonly sequelize: Sequelize) {}

  async logOne(input: { bytemarkPassId: number; userId: string; loggedOn?: Date | string }): Promise<BatchReport> {
    return this.logBatch([input]);
  }

  async logBatch(inputs: readonly unknown[], now: Date = new Date()): Promise<BatchReport> {
    const report: BatchReport = { inserted: 0, duplicates: [], rejected: [] };
    const seen = new Set<number>();
    const valid: Indexed[] = [];
    inputs.forEach((input, index) => {
      const checked = validatePassInteraction(input, now);
      if (!checked.ok) return void report.rejected.push({ index, reason: checked.reason });
      if (seen.has(checked.row.bytemarkPassId)) {
        return void report.duplicates.push({ index, bytemarkPassId: checked.row.bytemarkPassId });
      }
      seen.add(checked.row.bytemarkPassId);
      valid.push({ index, row: checked.row });
    });
    for (let i = 0; i < valid.length; i += INSERT_CHUNK_SIZE) {
      await this.insertChunk(valid.slice(i, i + INSERT_CHUNK_SIZE), report);
    }
    return report;
  }

  private async insertChunk(chunk: Indexed[], report: BatchReport): Promise<void> {
    if (chunk.length === 0) return;
    try {
      report.inserted += await this.insertRows(chunk.map((c) => c.row));
      return;
    } catch {
      // Most often some ids exist already: set those aside and try the rest as one statement again.
    }
    const existing = await this.existingIds(chunk.map((c) => c.row.bytemarkPassId));
    const fresh = chunk.filter((c) => {
      if (!existing.has(c.row.bytemarkPassId)) return true;
      report.duplicates.push({ index: c.index, bytemarkPassId: c.row.bytemarkPassId });
      return false;
    });
    if (fresh.length === 0) return;
    try {
      report.inserted += await this.insertRows(fresh.map((c) => c.row));
      return;
    } catch {
      // Something else is wrong with a row: find it row by row.
    }
    for (const c of fresh) {
      try {
        report.inserted += await this.insertRows([c.row]);
      } catch (error) {
        if ((error as { parent?: { code?: string } }).parent?.code === 'ER_DUP_ENTRY') {
          report.duplicates.push({ index: c.index, bytemarkPassId: c.row.bytemarkPassId });
        } else {
          report.rejected.push({ index: c.index, reason: `database refused the row: ${(error as Error).message}` });
        }
      }
    }
  }

  private async insertRows(rows: PassInteractionRow[]): Promise<number> {
    const placeholders = rows.map(() => '(?, ?, ?)').join(', ');
    const values = rows.flatMap((r) => [r.bytemarkPassId, r.userId, r.loggedOn]);
    await this.sequelize.query(`INSERT INTO ${TABLE} (bytemark_pass_id, user_id, logged_on) VALUES ${placeholders}`, {
      replacements: values,
      type: QueryTypes.INSERT,
    });
    return rows.length;
  }

  private async existingIds(ids: number[]): Promise<Set<number>> {
    const rows = await this.sequelize.query<{ id: number }>(
      `SELECT bytemark_pass_id AS id FROM ${TABLE} WHERE bytemark_pass_id IN (?)`,
      { replacements: [ids], type: QueryTypes.SELECT },
    );
    return new Set(rows.map((r) => Number(r.id)));
  }

  /** Rows in the table. */
  async countAll(): Promise<number> {
    const [row] = await this.sequelize.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${TABLE}`, {
      type: QueryTypes.SELECT,
    });
    return Number(row?.n ?? 0);
  }
}
