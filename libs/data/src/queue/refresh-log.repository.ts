import { createHash } from 'node:crypto';
import { QueryTypes, Transaction, type Sequelize } from 'sequelize';
import { REFRESH_ACTIVITY, REFRESH_LOG_FAILURES_TABLE, REFRESH_LOG_TABLE, REFRESH_STATUS } from './refresh-log.table';

export interface DueRefreshRow {
  id: number;
  userId: number;
  activityType: 1 | 3;
  scheduledOn: Date | null;
}

/** A row the queue gave up on, with why. */
export interface FailedRow {
  id: number;
  userId: number;
  activityType: number;
  attempts: number;
  reason: string;
  failedOn: Date;
}

export interface PendingNotificationRow {
  id: number;
  userId: number;
  note: string | null;
}

/** Rows of the queue by status, and the wait of the oldest due one (`queueHealth`). */
export interface RefreshQueueHealth {
  pending: number;
  failed: number;
  /** Seconds the oldest due pending row has waited; null when no pending row is due. */
  oldestPendingAgeSeconds: number | null;
}

const NOTE_MAX = 256;

/** A row's work failing transiently waits this long, doubling, at most `max` (seconds). */
export const TRANSIENT_BACKOFF_SECONDS = { first: 300, max: 6 * 3600 } as const;
/** Transient failures after which a row fails for good (about two and a half days of back-off). */
export const MAX_TRANSIENT_FAILURES = 16;

/** `YYYY-MM-DD HH:mm:ss` in UTC, truncated to the second (the DATETIME resolution). */
export function toUtcDatetime(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

/** The note of a free-ticket row: `free:<12-hex hash of the sorted uuids>:<sorted uuids>`, truncated to 256. */
export function freeTicketNote(passUuids: readonly string[]): { note: string; prefix: string } {
  const sorted = [...new Set(passUuids)].sort();
  const hash = createHash('sha1').update(sorted.join(',')).digest('hex').slice(0, 12);
  const prefix = `free:${hash}:`;
  return { note: `${prefix}${sorted.join(',')}`.slice(0, NOTE_MAX), prefix };
}

/** `bytemark_ticket_refresh_log`: the queue of refresh (types 1, 3) and free-ticket notification (type 2) requests. */
export class RefreshLogRepository {
  constructor(private readonly sequelize: Sequelize) {}

  /**
   * Queues the free-ticket notification for these passes, once: the same user and the same set of
   * pass uuids (any order, duplicates ignored) always yields the same row, whatever its status,
   * even when called concurrently (a per-(user, set) MySQL named lock serialises check-then-insert;
   * the stated DDL has no unique key to lean on). The lock is released before the transaction
   * commits, so the check is a locking read: it waits for a row the previous holder inserted but has
   * not committed yet, and then sees it. READ COMMITTED: the read locks the rows it returns and no
   * gaps, so recordings for other users (or a table without the user index) are not blocked.
   */
  async recordFreeTickets(p: { userId: number; passUuids: string[] }): Promise<{ id: number; created: boolean }> {
    if (p.passUuids.length === 0) throw new Error('recordFreeTickets needs at least one pass uuid');
    const { note, prefix } = freeTicketNote(p.passUuids);
    const lockName = `btc:free:${p.userId}:${prefix}`.slice(0, 64);
    const isolationLevel = Transaction.ISOLATION_LEVELS.READ_COMMITTED;
    return this.sequelize.transaction({ isolationLevel }, async (transaction) => {
      const [lock] = await this.sequelize.query<{ got: number | null }>('SELECT GET_LOCK(?, 10) AS got', {
        replacements: [lockName],
        type: QueryTypes.SELECT,
        transaction,
      });
      if (Number(lock?.got) !== 1) throw new Error(`could not lock the free-ticket queue of user ${p.userId}`);
      try {
        const [existing] = await this.sequelize.query<{ id: number }>(
          `SELECT id FROM ${REFRESH_LOG_TABLE} WHERE user_id = ? AND activity_type = ? AND note LIKE ? ORDER BY id LIMIT 1
           LOCK IN SHARE MODE`,
          {
            replacements: [p.userId, REFRESH_ACTIVITY.freeTicketNotification, `${prefix}%`],
            type: QueryTypes.SELECT,
            transaction,
          },
        );
        if (existing) return { id: existing.id, created: false };
        const id = await this.insertRow(
          { userId: p.userId, activityType: REFRESH_ACTIVITY.freeTicketNotification, note },
          transaction,
        );
        return { id, created: true };
      } finally {
        await this.sequelize.query('DO RELEASE_LOCK(?)', { replacements: [lockName], transaction });
      }
    });
  }

  /**
   * The due rows of the `limit` users whose oldest due row is oldest: pending type-1 rows, and pending
   * type-3 rows whose `scheduled_on` (UTC) is at or before `now`, none of them waiting out a back-off.
   * Selected by user, not by row, so one user's many rows never crowd the others out of a run; at
   * most `rowsPerUser` of a user's rows per run (the rest in the next one).
   */
  async listDueRefreshRows(p: { now: Date; limit: number; rowsPerUser?: number }): Promise<DueRefreshRow[]> {
    const now = toUtcDatetime(p.now);
    const due = `r.status = ? AND (r.activity_type = ? OR (r.activity_type = ? AND r.scheduled_on <= CAST(? AS DATETIME)))
      AND (f.next_attempt_at IS NULL OR f.next_attempt_at <= CAST(? AS DATETIME))`;
    const dueValues = [
      REFRESH_STATUS.pending,
      REFRESH_ACTIVITY.refreshNow,
      REFRESH_ACTIVITY.scheduledRefresh,
      now,
      now,
    ];
    const rows = await this.sequelize.query<{
      id: number;
      user_id: number;
      activity_type: number;
      scheduled_on: Date | null;
    }>(
      `SELECT r.id, r.user_id, r.activity_type, r.scheduled_on
         FROM (SELECT r.user_id, MIN(r.id) AS first_id FROM ${REFRESH_LOG_TABLE} r
                 LEFT JOIN ${REFRESH_LOG_FAILURES_TABLE} f ON f.row_id = r.id
                WHERE ${due} GROUP BY r.user_id ORDER BY first_id LIMIT ?) u
         JOIN ${REFRESH_LOG_TABLE} r ON r.user_id = u.user_id
         LEFT JOIN ${REFRESH_LOG_FAILURES_TABLE} f ON f.row_id = r.id
        WHERE ${due}
        ORDER BY u.first_id, r.id`,
      { replacements: [...dueValues, p.limit, ...dueValues], type: QueryTypes.SELECT },
    );
    const perUser = new Map<number, number>();
    const cap = p.rowsPerUser ?? 500;
    return rows
      .filter((r) => {
        const n = (perUser.get(r.user_id) ?? 0) + 1;
        perUser.set(r.user_id, n);
        return n <= cap;
      })
      .map((r) => ({
        id: Number(r.id),
        userId: Number(r.user_id),
        activityType: r.activity_type === 3 ? 3 : 1,
        scheduledOn: r.scheduled_on === null ? null : new Date(r.scheduled_on),
      }));
  }

  /** Pending type-2 rows not waiting out a back-off, oldest first. */
  async listPendingNotificationRows(p: { limit: number; now?: Date }): Promise<PendingNotificationRow[]> {
    const rows = await this.sequelize.query<{ id: number; user_id: number; note: string | null }>(
      `SELECT r.id, r.user_id, r.note FROM ${REFRESH_LOG_TABLE} r LEFT JOIN ${REFRESH_LOG_FAILURES_TABLE} f ON f.row_id = r.id
        WHERE r.status = ? AND r.activity_type = ? AND (f.next_attempt_at IS NULL OR f.next_attempt_at <= CAST(? AS DATETIME))
        ORDER BY r.id LIMIT ?`,
      {
        replacements: [
          REFRESH_STATUS.pending,
          REFRESH_ACTIVITY.freeTicketNotification,
          toUtcDatetime(p.now ?? new Date()),
          p.limit,
        ],
        type: QueryTypes.SELECT,
      },
    );
    return rows.map((r) => ({ id: Number(r.id), userId: Number(r.user_id), note: r.note }));
  }

  /**
   * Adds a pending type-1 row (refresh now) unless the user has one already: a request the user's
   * on-demand run could not take on. Returns the new row's id, or the pending one's.
   */
  async queueRefreshNow(p: { userId: number; note: string }): Promise<{ id: number; created: boolean }> {
    const [existing] = await this.sequelize.query<{ id: number }>(
      `SELECT id FROM ${REFRESH_LOG_TABLE} WHERE user_id = ? AND activity_type = ? AND status = ? ORDER BY id LIMIT 1`,
      { replacements: [p.userId, REFRESH_ACTIVITY.refreshNow, REFRESH_STATUS.pending], type: QueryTypes.SELECT },
    );
    if (existing) return { id: Number(existing.id), created: false };
    return {
      id: await this.insertRow({ userId: p.userId, activityType: REFRESH_ACTIVITY.refreshNow, note: p.note }),
      created: true,
    };
  }

  /** Marks exactly these rows processed, and only those still pending. Returns how many changed. */
  async markProcessed(ids: number[]): Promise<number> {
    const unique = [...new Set(ids)].filter((id) => Number.isInteger(id));
    if (unique.length === 0) return 0;
    const [, affected] = await this.sequelize.query(
      `UPDATE ${REFRESH_LOG_TABLE} SET status = ? WHERE id IN (?) AND status = ?`,
      { replacements: [REFRESH_STATUS.processed, unique, REFRESH_STATUS.pending], type: QueryTypes.UPDATE },
    );
    return Number(affected);
  }

  /**
   * Counts a failure of these pending rows' work, with its reason. A `permanent` one (it can never
   * succeed: a 4xx from the endpoint, a key that cannot decrypt) marks the rows failed (`status` 2)
   * at once. Any other (an endpoint or ledger outage, Bytemark down) is transient: the rows wait,
   * 5 minutes doubling up to 6 hours, and fail for good only after `maxTransientFailures` of them
   * (default 16: about two and a half days). Returns the ids marked failed by this call.
   */
  async recordFailure(p: {
    ids: number[];
    reason: string;
    permanent: boolean;
    maxTransientFailures?: number;
  }): Promise<number[]> {
    const ids = [...new Set(p.ids)].filter((id) => Number.isInteger(id));
    if (ids.length === 0) return [];
    const reason = p.reason.slice(0, 512);
    const maxTransient = p.maxTransientFailures ?? MAX_TRANSIENT_FAILURES;
    return this.sequelize.transaction(async (transaction) => {
      for (const id of ids) {
        await this.sequelize.query(
          `INSERT INTO ${REFRESH_LOG_FAILURES_TABLE} (row_id, attempts, reason, transient_failures, next_attempt_at)
           VALUES (?, 1, ?, ?, IF(?, NULL, UTC_TIMESTAMP() + INTERVAL ? SECOND))
           ON DUPLICATE KEY UPDATE attempts = attempts + 1, reason = VALUES(reason),
             transient_failures = transient_failures + VALUES(transient_failures),
             next_attempt_at = IF(?, NULL, UTC_TIMESTAMP() + INTERVAL LEAST(? * POW(2, transient_failures - 1), ?) SECOND)`,
          {
            replacements: [
              id,
              reason,
              p.permanent ? 0 : 1,
              p.permanent,
              TRANSIENT_BACKOFF_SECONDS.first,
              p.permanent,
              TRANSIENT_BACKOFF_SECONDS.first,
              TRANSIENT_BACKOFF_SECONDS.max,
            ],
            transaction,
          },
        );
      }
      const due = await this.sequelize.query<{ row_id: number }>(
        `SELECT f.row_id FROM ${REFRESH_LOG_FAILURES_TABLE} f JOIN ${REFRESH_LOG_TABLE} r ON r.id = f.row_id
         WHERE f.row_id IN (?) AND (? OR f.transient_failures >= ?) AND r.status = ? FOR UPDATE`,
        {
          replacements: [ids, p.permanent, maxTransient, REFRESH_STATUS.pending],
          type: QueryTypes.SELECT,
          transaction,
        },
      );
      const failed = due.map((r) => Number(r.row_id));
      if (failed.length > 0) {
        await this.sequelize.query(`UPDATE ${REFRESH_LOG_TABLE} SET status = ? WHERE id IN (?) AND status = ?`, {
          replacements: [REFRESH_STATUS.failed, failed, REFRESH_STATUS.pending],
          transaction,
        });
        await this.sequelize.query(
          `UPDATE ${REFRESH_LOG_FAILURES_TABLE} SET failed_on = UTC_TIMESTAMP(), next_attempt_at = NULL WHERE row_id IN (?)`,
          { replacements: [failed], transaction },
        );
      }
      return failed;
    });
  }

  /**
   * The queue's health (the worker's metrics): pending and failed rows, and how long the oldest pending
   * row has been due: since it was written, or since its `scheduled_on` for a scheduled refresh (one
   * scheduled ahead is not counted until then); rows waiting out a back-off count too. Null: none is due.
   */
  async queueHealth(): Promise<RefreshQueueHealth> {
    const [row] = await this.sequelize.query<{ pending: number; failed: number; oldest_due_seconds: number | null }>(
      `SELECT COALESCE(SUM(status = ?), 0) AS pending, COALESCE(SUM(status = ?), 0) AS failed,
              TIMESTAMPDIFF(SECOND, MIN(CASE WHEN status = ? THEN
                CASE WHEN activity_type = ? THEN IF(scheduled_on <= UTC_TIMESTAMP(), scheduled_on, NULL) ELSE created_on END
              END), UTC_TIMESTAMP()) AS oldest_due_seconds
         FROM ${REFRESH_LOG_TABLE} WHERE status IN (?, ?)`,
      {
        replacements: [
          REFRESH_STATUS.pending,
          REFRESH_STATUS.failed,
          REFRESH_STATUS.pending,
          REFRESH_ACTIVITY.scheduledRefresh,
          REFRESH_STATUS.pending,
          REFRESH_STATUS.failed,
        ],
        type: QueryTypes.SELECT,
      },
    );
    const oldest = row?.oldest_due_seconds;
    return {
      pending: Number(row?.pending ?? 0),
      failed: Number(row?.failed ?? 0),
      oldestPendingAgeSeconds: oldest === null || oldest === undefined ? null : Math.max(0, Number(oldest)),
    };
  }

  /** The rows the queue gave up on, newest first. */
  async listFailed(p: { limit: number }): Promise<FailedRow[]> {
    const rows = await this.sequelize.query<{
      id: number;
      user_id: number;
      activity_type: number;
      attempts: number;
      reason: string;
      failed_on: Date;
    }>(
      `SELECT r.id, r.user_id, r.activity_type, f.attempts, f.reason, f.failed_on
       FROM ${REFRESH_LOG_TABLE} r JOIN ${REFRESH_LOG_FAILURES_TABLE} f ON f.row_id = r.id
       WHERE r.status = ? ORDER BY f.failed_on DESC, r.id DESC LIMIT ?`,
      { replacements: [REFRESH_STATUS.failed, p.limit], type: QueryTypes.SELECT },
    );
    return rows.map((r) => ({
      id: Number(r.id),
      userId: Number(r.user_id),
      activityType: Number(r.activity_type),
      attempts: Number(r.attempts),
      reason: r.reason,
      failedOn: new Date(r.failed_on),
    }));
  }

  /**
   * Puts rows the queue gave up on back in the queue (pending, attempts reset), once the operator has
   * fixed the cause; returns how many were failed and are pending again. Other rows are left alone.
   */
  async requeueFailed(ids: number[]): Promise<number> {
    if (ids.length === 0) return 0;
    return this.sequelize.transaction(async (transaction) => {
      const failed = await this.sequelize.query<{ id: number }>(
        `SELECT id FROM ${REFRESH_LOG_TABLE} WHERE id IN (?) AND status = ? FOR UPDATE`,
        { replacements: [ids, REFRESH_STATUS.failed], type: QueryTypes.SELECT, transaction },
      );
      const requeue = failed.map((r) => Number(r.id));
      if (requeue.length === 0) return 0;
      await this.sequelize.query(`UPDATE ${REFRESH_LOG_TABLE} SET status = ? WHERE id IN (?)`, {
        replacements: [REFRESH_STATUS.pending, requeue],
        type: QueryTypes.UPDATE,
        transaction,
      });
      await this.sequelize.query(`DELETE FROM ${REFRESH_LOG_FAILURES_TABLE} WHERE row_id IN (?)`, {
        replacements: [requeue],
        transaction,
      });
      return requeue.length;
    });
  }

  /** Inserts one pending row; returns its id. */
  async insert(row: {
    userId: number;
    activityType: number;
    scheduledOn?: Date | null;
    note?: string | null;
  }): Promise<number> {
    return this.insertRow(row);
  }

  private async insertRow(
    row: { userId: number; activityType: number; scheduledOn?: Date | null; note?: string | null },
    transaction?: Transaction,
  ): Promise<number> {
    const [id] = await this.sequelize.query(
      `INSERT INTO ${REFRESH_LOG_TABLE} (user_id, activity_type, status, note, scheduled_on) VALUES (?, ?, ?, ?, ?)`,
      {
        replacements: [
          row.userId,
          row.activityType,
          REFRESH_STATUS.pending,
          row.note === undefined || row.note === null ? null : row.note.slice(0, NOTE_MAX),
          row.scheduledOn ? toUtcDatetime(row.scheduledOn) : null,
        ],
        type: QueryTypes.INSERT,
        transaction,
      },
    );
    return Number(id);
  }
}
