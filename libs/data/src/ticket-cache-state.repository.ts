import { QueryTypes, type Sequelize } from 'sequelize';
import { BYTEMARK_TOKENS_TABLE } from './bytemark-tokens.model';

export const TICKET_CACHE_STATE_TABLE = 'bytemark_ticket_cache_state';

/** The hashes of the two Bytemark pass lists a cache was last built from (null: not known). */
export interface ListHashes {
  passes: string | null;
  passes4: string | null;
}

/** One user's refresh state (migration 0006): the sweep's freshness index and the unchanged user's shortcut. */
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

/** Which token users a state page selects: due for a refresh, or all of them. */
export type StateSelect = 'stale' | 'all';

export interface StateSweepPage {
  userIds: number[];
  /** Token users the page covered: the selected ones and the ones skipped. */
  seen: number;
  skipped: number;
  nextCursor: number | null;
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
}

/** `bytemark_ticket_cache_state`: ours; one row per user, written at the end of every refresh that reached an outcome. */
export class TicketCacheStateRepository {
  constructor(private readonly sequelize: Sequelize) {}

  async find(userId: number): Promise<TicketCacheState | null> {
    const [row] = await this.sequelize.query<StateRow>(`SELECT * FROM ${TICKET_CACHE_STATE_TABLE} WHERE user_id = ?`, {
      replacements: [userId],
      type: QueryTypes.SELECT,
    });
    return row ? toState(row) : null;
  }

  /**
   * Upserts the user's row. A null `refreshedAt` (a failed outcome) keeps the stored one, so the
   * user stays due; a null `cacheVersion` clears the hashes (the cache must be read next time).
   */
  async record(s: TicketCacheState): Promise<void> {
    await this.sequelize.query(
      `INSERT INTO ${TICKET_CACHE_STATE_TABLE}
         (user_id, refreshed_at, checked_at, cache_version, passes_hash, passes4_hash, pass_count, outcome, refresh_trigger, run_ref)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE refreshed_at = COALESCE(VALUES(refreshed_at), refreshed_at),
         checked_at = VALUES(checked_at), cache_version = VALUES(cache_version), passes_hash = VALUES(passes_hash),
         passes4_hash = VALUES(passes4_hash), pass_count = VALUES(pass_count), outcome = VALUES(outcome),
         refresh_trigger = VALUES(refresh_trigger), run_ref = VALUES(run_ref)`,
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
        ],
      },
    );
  }

  /**
   * Records a failed attempt: outcome `failed`, when, and which run; what the state says about the
   * cache (last success, version, list hashes, pass count) stays as it is. Needs no read first.
   */
  async recordFailure(f: { userId: number; checkedAt: number; trigger: string; runRef: string }): Promise<void> {
    await this.sequelize.query(
      `INSERT INTO ${TICKET_CACHE_STATE_TABLE} (user_id, checked_at, pass_count, outcome, refresh_trigger, run_ref)
       VALUES (?, ?, 0, 'failed', ?, ?)
       ON DUPLICATE KEY UPDATE checked_at = VALUES(checked_at), outcome = VALUES(outcome),
         refresh_trigger = VALUES(refresh_trigger), run_ref = VALUES(run_ref)`,
      { replacements: [f.userId, f.checkedAt, f.trigger, f.runRef.slice(0, 512)] },
    );
  }

  /**
   * One page of token users after `afterUserId`, ascending: up to `limit` selected users (`stale`:
   * never refreshed, or refreshed at or before `staleAt`; `all`), and how
   * many token users in the same id range were skipped. Two indexed queries, whatever the page holds.
   */
  async listSweepPage(p: {
    afterUserId: number;
    limit: number;
    select: StateSelect;
    staleAt: number;
  }): Promise<StateSweepPage> {
    const condition = {
      stale: { sql: '(s.refreshed_at IS NULL OR s.refreshed_at <= ?)', replacements: [p.staleAt] },
      all: { sql: 'TRUE', replacements: [] },
    }[p.select];
    const from =
      `FROM ${BYTEMARK_TOKENS_TABLE} t LEFT JOIN ${TICKET_CACHE_STATE_TABLE} s ON s.user_id = t.user_id ` +
      'WHERE t.token IS NOT NULL AND t.user_id > ?';
    const selected = await this.sequelize.query<{ user_id: number }>(
      `SELECT t.user_id ${from} AND ${condition.sql} ORDER BY t.user_id LIMIT ?`,
      { replacements: [p.afterUserId, ...condition.replacements, p.limit], type: QueryTypes.SELECT },
    );
    const userIds = selected.map((r) => Number(r.user_id));
    const last = userIds.length === p.limit ? userIds[userIds.length - 1]! : null;
    const [skipped] = await this.sequelize.query<{ n: number }>(
      `SELECT COUNT(*) AS n ${from}${last === null ? '' : ' AND t.user_id <= ?'} AND NOT (${condition.sql})`,
      {
        replacements: [p.afterUserId, ...(last === null ? [] : [last]), ...condition.replacements],
        type: QueryTypes.SELECT,
      },
    );
    const skippedCount = Number(skipped?.n ?? 0);
    return { userIds, seen: userIds.length + skippedCount, skipped: skippedCount, nextCursor: last };
  }
}

function toState(r: StateRow): TicketCacheState {
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
  };
}
