import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { classifyDatabaseError, rowDataErrorName, toDatabaseError } from './database-errors';
import { validatePassInteraction, type PassInteractionRow } from './pass-interaction.validation';

/** Rows per INSERT statement. */
export const INSERT_CHUNK_SIZE = 1000;

export interface BatchReport {
  inserted: number;
  /** Rows whose pass id is already in the table, or repeated earlier in the batch. */
  duplicates: Array<{ index: number; bytemarkPassId: number }>;
  /** Invalid rows: refused by the validation, or (rarely) by the database for their data. Never a database outage. */
  rejected: Array<{ index: number; reason: string }>;
}

interface Indexed {
  index: number;
  row: PassInteractionRow;
}

const TABLE = 'hntb_bytemark_pass';
const INSERT = `insert into ${TABLE}`;

/**
 * `hntb_bytemark_pass`: logs pass interactions for the research data set. A batch is one transaction,
 * inserted in chunks of 1,000 rows per statement; a chunk that fails is retried without the ids
 * already present, then row by row, so one bad row never costs the others and nothing is dropped
 * without being reported.
 *
 * Only invalid input becomes a reject. A transient database failure (connection lost, deadlock, lock
 * wait timeout, too many connections...) throws `TransientDatabaseError`, and any other database
 * failure `DatabaseOperationError`; either way the transaction is rolled back, so the caller (the
 * ingestion activity, retried by Temporal) runs the batch again from a clean slate and gets the
 * report a clean run would have given.
 */
export class PassInteractionRepository {
  constructor(private readonly sequelize: Sequelize) {}

  async logOne(input: { bytemarkPassId: number; userId: string; loggedOn?: string }): Promise<BatchReport> {
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
    if (valid.length === 0) return report;
    try {
      await this.sequelize.transaction(async (transaction) => {
        for (let i = 0; i < valid.length; i += INSERT_CHUNK_SIZE) {
          await this.insertChunk(valid.slice(i, i + INSERT_CHUNK_SIZE), report, transaction);
        }
      });
    } catch (error) {
      throw toDatabaseError(error, INSERT);
    }
    report.rejected.sort((a, b) => a.index - b.index);
    return report;
  }

  private async insertChunk(chunk: Indexed[], report: BatchReport, transaction: Transaction): Promise<void> {
    try {
      report.inserted += await this.insertRows(chunk, transaction);
      return;
    } catch (error) {
      // Most often some ids exist already: set those aside and try the rest as one statement again.
      if (classifyDatabaseError(error) === 'transient') throw error;
    }
    const existing = await this.existingIds(
      chunk.map((c) => c.row.bytemarkPassId),
      transaction,
    );
    const fresh = chunk.filter((c) => {
      if (!existing.has(c.row.bytemarkPassId)) return true;
      report.duplicates.push({ index: c.index, bytemarkPassId: c.row.bytemarkPassId });
      return false;
    });
    if (fresh.length === 0) return;
    try {
      report.inserted += await this.insertRows(fresh, transaction);
      return;
    } catch (error) {
      // Something is wrong with a row, or with the database: find out row by row.
      if (classifyDatabaseError(error) === 'transient') throw error;
    }
    for (const c of fresh) {
      try {
        report.inserted += await this.insertRows([c], transaction);
      } catch (error) {
        const kind = classifyDatabaseError(error);
        if (kind === 'duplicate-key') {
          report.duplicates.push({ index: c.index, bytemarkPassId: c.row.bytemarkPassId });
        } else if (kind === 'row-data') {
          report.rejected.push({
            index: c.index,
            reason: `database refused the row's data (${rowDataErrorName(error)})`,
          });
        } else {
          throw error; // transient, or not about this row (missing table, access denied): not a reject
        }
      }
    }
  }

  private async insertRows(rows: Indexed[], transaction: Transaction): Promise<number> {
    const placeholders = rows.map(() => '(?, ?, ?)').join(', ');
    const values = rows.flatMap(({ row: r }) => [r.bytemarkPassId, r.userId, r.loggedOn]);
    await this.sequelize.query(`INSERT INTO ${TABLE} (bytemark_pass_id, user_id, logged_on) VALUES ${placeholders}`, {
      replacements: values,
      type: QueryTypes.INSERT,
      transaction,
    });
    return rows.length;
  }

  private async existingIds(ids: number[], transaction: Transaction): Promise<Set<number>> {
    const rows = await this.sequelize.query<{ id: number }>(
      `SELECT bytemark_pass_id AS id FROM ${TABLE} WHERE bytemark_pass_id IN (?)`,
      { replacements: [ids], type: QueryTypes.SELECT, transaction },
    );
    return new Set(rows.map((r) => Number(r.id)));
  }

  /** Rows in the table. */
  async countAll(): Promise<number> {
    try {
      const [row] = await this.sequelize.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${TABLE}`, {
        type: QueryTypes.SELECT,
      });
      return Number(row?.n ?? 0);
    } catch (error) {
      throw toDatabaseError(error, `count ${TABLE}`);
    }
  }
}
