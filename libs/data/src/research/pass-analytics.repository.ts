import { QueryTypes, type Sequelize } from 'sequelize';
import { toUtcDatetime } from './pass-interaction.validation';

/** A period `[from, to]`, both ends inclusive (the seed's `whereBetween`), in UTC. */
export interface Period {
  from: Date;
  to: Date;
}

export interface HistoryRow {
  bytemarkPassId: number;
  userId: string;
  loggedOn: string;
}
export interface UserCountRow {
  userId: string;
  count: number;
}
export interface DailyRow {
  day: string;
  count: number;
}
export interface HourlyRow {
  hour: number;
  count: number;
}
export interface EngagementRow {
  userId: string;
  total: number;
  first: string | null;
  last: string | null;
  engagementDays: number | null;
}
export interface TripCorrelationRow {
  passTime: string;
  bytemarkPassId: number;
  tripId: number | null;
  tripStart: string | null;
  travelMode: string | null;
}

/**
 * The research queries of the `hntb_bytemark_pass` seed, on MariaDB and MySQL 8. All times are UTC
 * (the connection's time zone is +00:00), returned as `YYYY-MM-DD HH:mm:ss` strings.
 */
export class PassAnalyticsRepository {
  constructor(private readonly sequelize: Sequelize) {}

  /** A user's interactions, newest first. */
  async userHistory(p: { userId: string; limit: number }): Promise<HistoryRow[]> {
    const rows = await this.select<{ id: number; user_id: string; logged_on: string }>(
      `SELECT bytemark_pass_id AS id, user_id, ${fmt('logged_on')} AS logged_on FROM hntb_bytemark_pass
       WHERE user_id = ? ORDER BY logged_on DESC, bytemark_pass_id DESC LIMIT ?`,
      [p.userId, p.limit],
    );
    return rows.map((r) => ({ bytemarkPassId: Number(r.id), userId: r.user_id, loggedOn: r.logged_on }));
  }

  /** Interactions per user in the period, most active first. */
  async usageFrequency(p: Period): Promise<UserCountRow[]> {
    const rows = await this.select<{ user_id: string; n: number }>(
      `SELECT user_id, COUNT(*) AS n FROM hntb_bytemark_pass WHERE logged_on BETWEEN ? AND ?
       GROUP BY user_id ORDER BY n DESC, user_id`,
      [toUtcDatetime(p.from), toUtcDatetime(p.to)],
    );
    return rows.map((r) => ({ userId: r.user_id, count: Number(r.n) }));
  }

  /** Interactions per UTC day in the period. */
  async dailyUsage(p: Period): Promise<DailyRow[]> {
    const rows = await this.select<{ day: string; n: number }>(
      `SELECT DATE_FORMAT(DATE(logged_on), '%Y-%m-%d') AS day, COUNT(*) AS n FROM hntb_bytemark_pass
       WHERE logged_on BETWEEN ? AND ? GROUP BY DATE(logged_on) ORDER BY day`,
      [toUtcDatetime(p.from), toUtcDatetime(p.to)],
    );
    return rows.map((r) => ({ day: r.day, count: Number(r.n) }));
  }

  /** Interactions per UTC hour of day (0–23), over the period or all time. */
  async hourlyDistribution(p: Partial<Period> = {}): Promise<HourlyRow[]> {
    const where = p.from && p.to ? 'WHERE logged_on BETWEEN ? AND ?' : '';
    const rows = await this.select<{ h: number; n: number }>(
      `SELECT HOUR(logged_on) AS h, COUNT(*) AS n FROM hntb_bytemark_pass ${where} GROUP BY HOUR(logged_on) ORDER BY h`,
      p.from && p.to ? [toUtcDatetime(p.from), toUtcDatetime(p.to)] : [],
    );
    return rows.map((r) => ({ hour: Number(r.h), count: Number(r.n) }));
  }

  /** A user's total, first and last interaction, and the days between them. */
  async userEngagement(p: { userId: string }): Promise<EngagementRow> {
    const [row] = await this.select<{ total: number; first: string | null; last: string | null; days: number | null }>(
      `SELECT COUNT(*) AS total, ${fmt('MIN(logged_on)')} AS first, ${fmt('MAX(logged_on)')} AS last,
              DATEDIFF(MAX(logged_on), MIN(logged_on)) AS days
       FROM hntb_bytemark_pass WHERE user_id = ?`,
      [p.userId],
    );
    return {
      userId: p.userId,
      total: Number(row?.total ?? 0),
      first: row?.first ?? null,
      last: row?.last ?? null,
      engagementDays: row?.days === null || row?.days === undefined ? null : Number(row.days),
    };
  }

  /** A user's interactions with the trips they started the same UTC day (left join: no trip → nulls). */
  async tripCorrelation(p: { userId: string }): Promise<TripCorrelationRow[]> {
    const rows = await this.select<{
      pass_time: string;
      id: number;
      trip_id: number | null;
      trip_start: string | null;
      travel_mode: string | null;
    }>(
      `SELECT ${fmt('bp.logged_on')} AS pass_time, bp.bytemark_pass_id AS id, t.trip_id, ${fmt('t.started_on')} AS trip_start, t.travel_mode
       FROM hntb_bytemark_pass bp
       LEFT JOIN hntb_trip t ON bp.user_id = t.user_id AND DATE(bp.logged_on) = DATE(t.started_on)
       WHERE bp.user_id = ? ORDER BY bp.logged_on DESC, bp.bytemark_pass_id DESC, t.trip_id`,
      [p.userId],
    );
    return rows.map((r) => ({
      passTime: r.pass_time,
      bytemarkPassId: Number(r.id),
      tripId: r.trip_id === null ? null : Number(r.trip_id),
      tripStart: r.trip_start,
      travelMode: r.travel_mode,
    }));
  }

  /** Users with at least one interaction in the last `days` days before `now`, most active first. */
  async transitAdoption(p: { days: number; now?: Date }): Promise<UserCountRow[]> {
    const since = new Date((p.now ?? new Date()).getTime() - p.days * 24 * 3600 * 1000);
    const rows = await this.select<{ user_id: string; n: number }>(
      `SELECT user_id, COUNT(*) AS n FROM hntb_bytemark_pass WHERE logged_on > ?
       GROUP BY user_id HAVING COUNT(*) > 0 ORDER BY n DESC, user_id`,
      [toUtcDatetime(since)],
    );
    return rows.map((r) => ({ userId: r.user_id, count: Number(r.n) }));
  }

  private select<T extends object>(sql: string, replacements: unknown[]): Promise<T[]> {
    return this.sequelize.query<T>(sql, { replacements, type: QueryTypes.SELECT });
  }
}

/** A DATETIME column as a UTC string, whatever the driver's date handling. */
function fmt(column: string): string {
  return `DATE_FORMAT(${column}, '%Y-%m-%d %H:%i:%s')`;
}
