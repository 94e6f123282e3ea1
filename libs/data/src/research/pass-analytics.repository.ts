import { QueryTypes, type Sequelize } from 'sequelize';
import { toDatabaseError } from './database-errors';
import type {
  DailyPassUsageRow,
  HourlyUsageRow,
  PassHistoryRow,
  PassTripCorrelationRow,
  PassUsageFrequencyRow,
  TransitAdoptionRow,
  UserEngagementRow,
} from './pass-analytics.rows';

/** A period `[from, to]`, both ends inclusive (the seed's `whereBetween`), compared to the millisecond as the seed's driver does. */
export interface Period {
  from: Date;
  to: Date;
}

/** The seed's defaults: `getUserPassHistory(userId, limitCount = 100)`, `analyzeTransitAdoptionRate(periodDays = 30)`. */
export const DEFAULT_HISTORY_LIMIT = 100;
export const DEFAULT_ADOPTION_DAYS = 30;

const TABLE = 'hntb_bytemark_pass';

/**
 * The research queries of the `hntb_bytemark_pass` seed, with its column aliases and semantics, on
 * MariaDB and MySQL 8. The connection's time zone is UTC, so days and hours are UTC days and hours.
 * Where the seed's order leaves ties, a stable tie-break is added (it never reorders what the seed
 * orders). Database failures throw `TransientDatabaseError` or `DatabaseOperationError`.
 */
export class PassAnalyticsRepository {
  constructor(private readonly sequelize: Sequelize) {}

  /** `getUserPassHistory`: a user's rows, newest `logged_on` first, at most `limit` (default 100). */
  async userHistory(p: { userId: string; limit?: number }): Promise<PassHistoryRow[]> {
    const rows = await this.select<PassHistoryRow>(
      'user history',
      `SELECT p.bytemark_pass_id, p.user_id, ${fmt('p.logged_on')} AS logged_on,
              ${fmt('p.created_on')} AS created_on, ${fmt('p.modified_on')} AS modified_on
       FROM ${TABLE} AS p WHERE p.user_id = ?
       ORDER BY p.logged_on DESC, p.bytemark_pass_id DESC LIMIT ?`,
      [p.userId, p.limit ?? DEFAULT_HISTORY_LIMIT],
    );
    return rows.map((r) => ({
      bytemark_pass_id: Number(r.bytemark_pass_id),
      user_id: r.user_id,
      logged_on: r.logged_on,
      created_on: r.created_on,
      modified_on: r.modified_on,
    }));
  }

  /** `getPassUsageFrequency`: interactions per user with `logged_on` in the period, most first. */
  async usageFrequency(p: Period): Promise<PassUsageFrequencyRow[]> {
    const rows = await this.select<PassUsageFrequencyRow>(
      'usage frequency',
      `SELECT COUNT(*) AS usage_count, p.user_id FROM ${TABLE} AS p
       WHERE p.logged_on BETWEEN ? AND ?
       GROUP BY p.user_id ORDER BY usage_count DESC, p.user_id`,
      bounds(p),
    );
    return rows.map((r) => ({ usage_count: Number(r.usage_count), user_id: r.user_id }));
  }

  /** `getDailyPassUsagePattern`: interactions per day (`DATE(logged_on)`) in the period, by date. */
  async dailyUsage(p: Period): Promise<DailyPassUsageRow[]> {
    const rows = await this.select<DailyPassUsageRow>(
      'daily usage',
      `SELECT DATE_FORMAT(DATE(p.logged_on), '%Y-%m-%d') AS usage_date, COUNT(*) AS daily_pass_usage
       FROM ${TABLE} AS p WHERE p.logged_on BETWEEN ? AND ?
       GROUP BY DATE(p.logged_on) ORDER BY usage_date`,
      bounds(p),
    );
    return rows.map((r) => ({ usage_date: r.usage_date, daily_pass_usage: Number(r.daily_pass_usage) }));
  }

  /**
   * `getHourlyUsageDistribution`: interactions per hour of day (`HOUR(logged_on)`, 0–23) over all rows,
   * as the seed; given a period, over that period only (an addition; the seed has no filter).
   */
  async hourlyDistribution(p?: Period): Promise<HourlyUsageRow[]> {
    const rows = await this.select<HourlyUsageRow>(
      'hourly distribution',
      `SELECT HOUR(p.logged_on) AS usage_hour, COUNT(*) AS hourly_count FROM ${TABLE} AS p
       ${p ? 'WHERE p.logged_on BETWEEN ? AND ?' : ''}
       GROUP BY HOUR(p.logged_on) ORDER BY usage_hour`,
      p ? bounds(p) : [],
    );
    return rows.map((r) => ({ usage_hour: Number(r.usage_hour), hourly_count: Number(r.hourly_count) }));
  }

  /**
   * `getUserEngagementMetrics`: one row, the user's count, first and last `logged_on`, and
   * `DATEDIFF(last, first)` (calendar days). A user without interactions gets 0 and nulls.
   */
  async userEngagement(p: { userId: string }): Promise<UserEngagementRow> {
    const [row] = await this.select<UserEngagementRow>(
      'user engagement',
      `SELECT COUNT(*) AS total_interactions, ${fmt('MIN(p.logged_on)')} AS first_interaction,
              ${fmt('MAX(p.logged_on)')} AS last_interaction,
              DATEDIFF(MAX(p.logged_on), MIN(p.logged_on)) AS engagement_days
       FROM ${TABLE} AS p WHERE p.user_id = ?`,
      [p.userId],
    );
    return {
      total_interactions: Number(row?.total_interactions ?? 0),
      first_interaction: row?.first_interaction ?? null,
      last_interaction: row?.last_interaction ?? null,
      engagement_days:
        row?.engagement_days === null || row?.engagement_days === undefined ? null : Number(row.engagement_days),
    };
  }

  /**
   * `correlatePassUsageWithTrips`: each of the user's interactions with every trip the user started
   * the same day (`hntb_trip`, left join: a pass without a trip has null trip columns), newest first.
   */
  async tripCorrelation(p: { userId: string }): Promise<PassTripCorrelationRow[]> {
    const rows = await this.select<PassTripCorrelationRow>(
      'trip correlation',
      `SELECT ${fmt('bp.logged_on')} AS pass_time, bp.bytemark_pass_id, t.trip_id,
              ${fmt('t.started_on')} AS trip_start, t.travel_mode
       FROM ${TABLE} AS bp
       LEFT JOIN hntb_trip AS t ON bp.user_id = t.user_id AND DATE(bp.logged_on) = DATE(t.started_on)
       WHERE bp.user_id = ?
       ORDER BY bp.logged_on DESC, bp.bytemark_pass_id DESC, t.started_on, t.trip_id`,
      [p.userId],
    );
    return rows.map((r) => ({
      pass_time: r.pass_time,
      bytemark_pass_id: Number(r.bytemark_pass_id),
      trip_id: r.trip_id === null ? null : Number(r.trip_id),
      trip_start: r.trip_start,
      travel_mode: r.travel_mode,
    }));
  }

  /**
   * `analyzeTransitAdoptionRate`: interactions per user with `logged_on` after `now - days × 24 h`
   * (strictly; default 30 days), users with at least one, most first.
   */
  async transitAdoption(p: { days?: number; now?: Date } = {}): Promise<TransitAdoptionRow[]> {
    const days = p.days ?? DEFAULT_ADOPTION_DAYS;
    const since = new Date((p.now ?? new Date()).getTime() - days * 24 * 60 * 60 * 1000);
    const rows = await this.select<TransitAdoptionRow>(
      'transit adoption',
      `SELECT p.user_id, COUNT(*) AS pass_usage_count FROM ${TABLE} AS p
       WHERE p.logged_on > ?
       GROUP BY p.user_id HAVING pass_usage_count > 0 ORDER BY pass_usage_count DESC, p.user_id`,
      [toUtcMillis(since)],
    );
    return rows.map((r) => ({ user_id: r.user_id, pass_usage_count: Number(r.pass_usage_count) }));
  }

  private async select<T extends object>(what: string, sql: string, replacements: unknown[]): Promise<T[]> {
    try {
      return await this.sequelize.query<T>(sql, { replacements, type: QueryTypes.SELECT });
    } catch (error) {
      throw toDatabaseError(error, `analytics query ${what}`);
    }
  }
}

/** A DATETIME expression as a UTC `YYYY-MM-DD HH:mm:ss` string, whatever the driver's date handling (NULL stays NULL). */
function fmt(expression: string): string {
  return `DATE_FORMAT(${expression}, '%Y-%m-%d %H:%i:%s')`;
}

/** `Date` → `YYYY-MM-DD HH:mm:ss.SSS` in UTC: bounds keep their milliseconds, as the seed's driver sends them. */
function toUtcMillis(date: Date): string {
  return date.toISOString().slice(0, 23).replace('T', ' ');
}

function bounds(p: Period): string[] {
  return [toUtcMillis(p.from), toUtcMillis(p.to)];
}
