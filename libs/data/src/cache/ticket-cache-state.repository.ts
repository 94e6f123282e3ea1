import { QueryTypes, type Sequelize } from 'sequelize';
import { BYTEMARK_TOKENS_TABLE } from '../tokens/bytemark-tokens.model';
import { CALL_PACE_TABLE } from '../pacing/bytemark-call-pacer';
import { USER_TOMBSTONES_TABLE } from '../user-tombstones.repository';

export const TICKET_CACHE_STATE_TABLE = 'bytemark_ticket_cache_state';

/** Longest back-off of a user whose login keeps failing: one attempt a day. */
export const MAX_AUTH_BACKOFF_SECONDS = 24 * 3600;

/** The hashes of the two Bytemark pass lists a cache was last built from (null: not known). */
export interface ListHashes {
  passes: string | null;
  passes4: string | null;
}

/** One user's refresh state (migrations 0006, 0010): the sweep's schedule and the unchanged user's shortcut. */
export interface TicketCacheState {
  userId: number;
  /** Unix seconds of the last refresh that read Bytemark successfully; null if none did. */
  refreshedAt: number | null;
  /** Unix seconds of the last attempt that reached an outcome. */
  checkedAt: number;
  /** The cache document version `listHashes` describe (null: unknown, the document must be read). */
  cacheVersion: number | null;
  listHashes: ListHashes;
  passCount: number;
  outcome: string;
  trigger: string;
  /** Where that refresh ran: `<workflowId>/<runId>` or `<workflowId>/<runId>/<activityId>`. */
  runRef: string;
}

/** What the repository keeps besides: when the user is due, its failed logins in a row, the last failure. */
export interface StoredState extends TicketCacheState {
  nextDueAt: number;
  authFailures: number;
  failureType: string | null;
}

/** What a refresh reads before it starts, in one query: its state, its tombstone, MySQL's clock, the operator's pause. */
export interface RefreshContext {
  state: StoredState | null;
  /** When the user was purged (`bytemark_user_tombstones`, unix seconds); null: not a deleted rider. */
  purgedAt: number | null;
  /** MySQL's clock (µs) when the refresh started: every fetch after it is newer than every fetch before it. */
  dbNowUs: number;
  paused: { at: number; reason: string } | null;
}

/** Which token users a page selects: due for a refresh (oldest first), or all of them (by id). */
export type StateSelect = 'due' | 'all';

/** Where a due page stopped: the next page starts after this (next_due_at, user_id). */
export interface DueCursor {
  dueAt: number;
  userId: number;
}

export interface DuePage {
  userIds: number[];
  next: DueCursor | null;
}

/** Freshness of the token users, for `doctor`, `status`, the metrics and the overload alert. */
export interface FreshnessReport {
  tokenUsers: number;
  /** Due now (refreshed longer than TTL − grace ago, or never, and not backing off). */
  due: number;
  /** Refreshed longer ago than the TTL, or never: what riders may see stale. */
  pastTtl: number;
  neverRefreshed: number;
  /** Seconds since the least recently refreshed token user was refreshed (null: none ever was). */
  oldestCacheAgeSeconds: number | null;
  /** Users whose logins keep failing, waiting out a back-off. */
  authBackoff: number;
}

interface StateRow {
  user_id: number;
  refreshed_at: number | null;
  checked_at: number;
  cache_version: number | null;
  passes_hash: string | null;
  passes4_hash: string | null;
  pass_count: number;
  outcome: string;
  refresh_trigger: string;
  run_ref: string;
  next_due_at: number;
  auth_failures: number;
  failure_type: string | null;
}

/** A token user, joined to its state row `s`. */
const TOKEN_USER = `JOIN ${BYTEMARK_TOKENS_TABLE} t ON t.user_id = s.user_id AND t.token IS NOT NULL`;
/** The user of `alias` (a row with a `user_id`) was not purged: no tombstone (a primary-key probe). */
const notTombstoned = (alias: string) =>
  `NOT EXISTS (SELECT 1 FROM ${USER_TOMBSTONES_TABLE} z WHERE z.user_id = ${alias}.user_id)`;
const ENROL_BATCH = 5000;

/**
 * `bytemark_ticket_cache_state`: ours; one row per token user (`enrol` adds the missing ones),
 * written at the end of every refresh that reached an outcome. `next_due_at` is the sweep's schedule:
 * a success makes the user due `dueAfterSeconds` (TTL − grace) later, a failed login backs off
 * (doubling, at most a day), anything else leaves it due. The hourly sweep takes due users oldest
 * first, so no user waits behind others however large the population.
 */
export class TicketCacheStateRepository {
  constructor(
    private readonly sequelize: Sequelize,
    private readonly options: { dueAfterSeconds: number } = { dueAfterSeconds: 55 * 60 },
  ) {}

  async find(userId: number): Promise<StoredState | null> {
    const [row] = await this.sequelize.query<StateRow>(`SELECT * FROM ${TICKET_CACHE_STATE_TABLE} WHERE user_id = ?`, {
      replacements: [userId],
      type: QueryTypes.SELECT,
    });
    return row ? toState(row) : null;
  }

  /** The state, the tombstone, MySQL's clock and the operator's pause, in one round trip: what every refresh reads first. */
  async readRefreshContext(userId: number): Promise<RefreshContext> {
    const [row] = await this.sequelize.query<
      Partial<StateRow> & {
        db_now_us: string | number;
        tombstoned_at: number | null;
        paused_at: number | null;
        paused_reason: string | null;
      }
    >(
      `SELECT s.*, CAST(UNIX_TIMESTAMP(NOW(6)) * 1000000 AS UNSIGNED) AS db_now_us, z.purged_at AS tombstoned_at,
              p.paused_at, p.paused_reason
         FROM (SELECT 1 AS one) o
         LEFT JOIN ${TICKET_CACHE_STATE_TABLE} s ON s.user_id = ?
         LEFT JOIN ${USER_TOMBSTONES_TABLE} z ON z.user_id = ?
         LEFT JOIN ${CALL_PACE_TABLE} p ON p.id = 1`,
      { replacements: [userId, userId], type: QueryTypes.SELECT },
    );
    return {
      state: row?.user_id != null ? toState(row as StateRow) : null,
      purgedAt: row?.tombstoned_at != null ? Number(row.tombstoned_at) : null,
      dbNowUs: Number(row?.db_now_us),
      paused: row?.paused_at != null ? { at: Number(row.paused_at), reason: row.paused_reason ?? '' } : null,
    };
  }

  /**
   * Upserts the user's row after a refresh that reached an outcome. A non-null `refreshedAt` (a
   * success) makes the user due again `dueAfterSeconds` later and clears its failed logins; a null
   * one (Bytemark not read) keeps the last success and the schedule, so the user stays due. A null
   * `cacheVersion` clears the hashes (the cache must be read next time).
   */
  async record(s: TicketCacheState): Promise<void> {
    const nextDueAt = s.refreshedAt === null ? null : s.refreshedAt + this.options.dueAfterSeconds;
    await this.sequelize.query(
      `INSERT INTO ${TICKET_CACHE_STATE_TABLE}
         (user_id, refreshed_at, checked_at, cache_version, passes_hash, passes4_hash, pass_count, outcome, refresh_trigger, run_ref, next_due_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, COALESCE(?, 0))
       ON DUPLICATE KEY UPDATE refreshed_at = COALESCE(VALUES(refreshed_at), refreshed_at),
         checked_at = VALUES(checked_at), cache_version = VALUES(cache_version), passes_hash = VALUES(passes_hash),
         passes4_hash = VALUES(passes4_hash), pass_count = VALUES(pass_count), outcome = VALUES(outcome),
         refresh_trigger = VALUES(refresh_trigger), run_ref = VALUES(run_ref),
         next_due_at = IF(? IS NULL, next_due_at, VALUES(next_due_at)),
         auth_failures = IF(? IS NULL, auth_failures, 0), failure_type = IF(? IS NULL, failure_type, NULL)`,
      {
        replacements: [
          s.userId,
          s.refreshedAt,
          s.checkedAt,
          s.cacheVersion,
          s.cacheVersion === null ? null : s.listHashes.passes,
          s.cacheVersion === null ? null : s.listHashes.passes4,
          s.passCount,
          s.outcome,
          s.trigger,
          s.runRef.slice(0, 512),
          nextDueAt,
          nextDueAt,
          nextDueAt,
          nextDueAt,
        ],
      },
    );
  }

  /**
   * Records a login Bytemark refused after a re-login (outcome `failed-auth`): one more failure in a
   * row, and the next attempt backed off: `dueAfterSeconds` × 2^(failures − 1), at most a day. Returns
   * the count and when the user is due again. The cache and its hashes are left as they are.
   */
  async recordAuthFailure(f: {
    userId: number;
    checkedAt: number;
    trigger: string;
    runRef: string;
  }): Promise<{ authFailures: number; nextDueAt: number }> {
    const base = this.options.dueAfterSeconds;
    await this.sequelize.query(
      `INSERT INTO ${TICKET_CACHE_STATE_TABLE} (user_id, checked_at, pass_count, outcome, refresh_trigger, run_ref, auth_failures, next_due_at)
       VALUES (?, ?, 0, 'failed-auth', ?, ?, 1, ? + ?)
       ON DUPLICATE KEY UPDATE checked_at = VALUES(checked_at), outcome = VALUES(outcome),
         refresh_trigger = VALUES(refresh_trigger), run_ref = VALUES(run_ref),
         auth_failures = LEAST(auth_failures + 1, 1000), failure_type = 'failed-auth',
         next_due_at = VALUES(checked_at) + LEAST(? * POW(2, LEAST(auth_failures - 1, 30)), ?)`,
      {
        replacements: [
          f.userId,
          f.checkedAt,
          f.trigger,
          f.runRef.slice(0, 512),
          f.checkedAt,
          base,
          base,
          MAX_AUTH_BACKOFF_SECONDS,
        ],
      },
    );
    const stored = await this.find(f.userId);
    return { authFailures: stored?.authFailures ?? 1, nextDueAt: stored?.nextDueAt ?? f.checkedAt + base };
  }

  /**
   * Records a failed attempt: outcome `failed`, its type, when, and which run; what the state says
   * about the cache (last success, schedule, version, list hashes, pass count) stays as it is.
   */
  async recordFailure(f: {
    userId: number;
    checkedAt: number;
    trigger: string;
    runRef: string;
    failureType?: string;
  }): Promise<void> {
    await this.sequelize.query(
      `INSERT INTO ${TICKET_CACHE_STATE_TABLE} (user_id, checked_at, pass_count, outcome, refresh_trigger, run_ref, failure_type)
       VALUES (?, ?, 0, 'failed', ?, ?, ?)
       ON DUPLICATE KEY UPDATE checked_at = VALUES(checked_at), outcome = VALUES(outcome),
         refresh_trigger = VALUES(refresh_trigger), run_ref = VALUES(run_ref), failure_type = VALUES(failure_type)`,
      {
        replacements: [
          f.userId,
          f.checkedAt,
          f.trigger,
          f.runRef.slice(0, 512),
          (f.failureType ?? 'failed').slice(0, 64),
        ],
      },
    );
  }

  /** Removes the user's row (a purge, an orphaned cache): whether there was one. */
  async delete(userId: number): Promise<boolean> {
    const deleted = await this.sequelize.query(`DELETE FROM ${TICKET_CACHE_STATE_TABLE} WHERE user_id = ?`, {
      replacements: [userId],
      type: QueryTypes.BULKDELETE,
    });
    return Number(deleted) > 0;
  }

  /**
   * Adds a state row (due at once) for every token user that has none and was not purged: a new user is due first.
   * In batches, so that millions of new rows never make one long transaction. Returns how many.
   */
  async enrol(): Promise<number> {
    let added = 0;
    for (;;) {
      const [, inserted] = await this.sequelize.query(
        `INSERT IGNORE INTO ${TICKET_CACHE_STATE_TABLE} (user_id, checked_at, pass_count, outcome, refresh_trigger, run_ref, next_due_at)
         SELECT t.user_id, 0, 0, 'new', 'enrol', '', 0 FROM ${BYTEMARK_TOKENS_TABLE} t
          WHERE t.token IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${TICKET_CACHE_STATE_TABLE} s WHERE s.user_id = t.user_id)
            AND ${notTombstoned('t')}
          LIMIT ${ENROL_BATCH}`,
        { type: QueryTypes.INSERT },
      );
      added += Number(inserted);
      if (Number(inserted) < ENROL_BATCH) return added;
    }
  }

  /**
   * One page of token users due at `dueBefore` (next_due_at at or before it, not tombstoned), oldest
   * first, after `after`: one range scan of `(next_due_at, user_id)`, whatever the population.
   */
  async listDuePage(p: { dueBefore: number; after: DueCursor | null; limit: number }): Promise<DuePage> {
    const after = p.after ?? { dueAt: -1, userId: 0 };
    const rows = await this.sequelize.query<{ user_id: number; next_due_at: number }>(
      `SELECT s.user_id, s.next_due_at FROM ${TICKET_CACHE_STATE_TABLE} s ${TOKEN_USER}
        WHERE s.next_due_at <= ? AND ${notTombstoned('s')}
          AND (s.next_due_at > ? OR (s.next_due_at = ? AND s.user_id > ?))
        ORDER BY s.next_due_at, s.user_id LIMIT ?`,
      {
        replacements: [p.dueBefore, after.dueAt, after.dueAt, after.userId, p.limit],
        type: QueryTypes.SELECT,
      },
    );
    const last = rows[rows.length - 1];
    return {
      userIds: rows.map((r) => Number(r.user_id)),
      next: rows.length === p.limit && last ? { dueAt: Number(last.next_due_at), userId: Number(last.user_id) } : null,
    };
  }

  /** Token users (not tombstoned) after `afterUserId`, ascending: the page of a sweep over everyone. */
  async listAllPage(p: {
    afterUserId: number;
    limit: number;
  }): Promise<{ userIds: number[]; nextCursor: number | null }> {
    const rows = await this.sequelize.query<{ user_id: number }>(
      `SELECT t.user_id FROM ${BYTEMARK_TOKENS_TABLE} t
        WHERE t.token IS NOT NULL AND t.user_id > ? AND ${notTombstoned('t')} ORDER BY t.user_id LIMIT ?`,
      { replacements: [p.afterUserId, p.limit], type: QueryTypes.SELECT },
    );
    const userIds = rows.map((r) => Number(r.user_id));
    return { userIds, nextCursor: userIds.length === p.limit ? userIds[userIds.length - 1]! : null };
  }

  /** Token users due at `dueBefore` (what a sweep starting then has to do). */
  async countDue(dueBefore: number): Promise<number> {
    const [row] = await this.sequelize.query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM ${TICKET_CACHE_STATE_TABLE} s ${TOKEN_USER} WHERE s.next_due_at <= ? AND ${notTombstoned('s')}`,
      { replacements: [dueBefore], type: QueryTypes.SELECT },
    );
    return Number(row?.n ?? 0);
  }

  /** How fresh the token users' caches are now (one scan of the state rows of token users). */
  async freshness(p: { now: number; ttlSeconds: number }): Promise<FreshnessReport> {
    const [row] = await this.sequelize.query<Record<string, number | null>>(
      `SELECT COUNT(*) AS token_users,
              COALESCE(SUM(s.user_id IS NOT NULL AND s.next_due_at <= ?), 0) + COALESCE(SUM(s.user_id IS NULL), 0) AS due,
              COALESCE(SUM(s.refreshed_at IS NULL OR s.refreshed_at < ?), 0) AS past_ttl,
              COALESCE(SUM(s.refreshed_at IS NULL), 0) AS never,
              MIN(s.refreshed_at) AS oldest,
              COALESCE(SUM(s.auth_failures > 0 AND s.next_due_at > ?), 0) AS backoff
         FROM ${BYTEMARK_TOKENS_TABLE} t LEFT JOIN ${TICKET_CACHE_STATE_TABLE} s ON s.user_id = t.user_id
        WHERE t.token IS NOT NULL AND ${notTombstoned('t')}`,
      { replacements: [p.now, p.now - p.ttlSeconds, p.now], type: QueryTypes.SELECT },
    );
    const oldest = row?.['oldest'];
    return {
      tokenUsers: Number(row?.['token_users'] ?? 0),
      due: Number(row?.['due'] ?? 0),
      pastTtl: Number(row?.['past_ttl'] ?? 0),
      neverRefreshed: Number(row?.['never'] ?? 0),
      oldestCacheAgeSeconds: oldest === null || oldest === undefined ? null : Math.max(0, p.now - Number(oldest)),
      authBackoff: Number(row?.['backoff'] ?? 0),
    };
  }
}

function toState(r: StateRow): StoredState {
  return {
    userId: Number(r.user_id),
    refreshedAt: r.refreshed_at === null ? null : Number(r.refreshed_at),
    checkedAt: Number(r.checked_at),
    cacheVersion: r.cache_version === null ? null : Number(r.cache_version),
    listHashes: { passes: r.passes_hash, passes4: r.passes4_hash },
    passCount: Number(r.pass_count),
    outcome: r.outcome,
    trigger: r.refresh_trigger,
    runRef: r.run_ref,
    nextDueAt: Number(r.next_due_at ?? 0),
    authFailures: Number(r.auth_failures ?? 0),
    failureType: r.failure_type ?? null,
  };
}
