/**
 * The rows of the seed's research queries on `hntb_bytemark_pass` (tsp-job migration
 * 20250313023754), with the seed's column names and in the seed's column order: dashboards read
 * these names, so they are part of the contract. Times are UTC `YYYY-MM-DD HH:mm:ss`, dates
 * `YYYY-MM-DD`; counts are numbers.
 */

/** `getUserPassHistory(userId, limitCount = 100)`: the table's own columns (`select *`). */
export interface PassHistoryRow {
  bytemark_pass_id: number;
  user_id: string;
  logged_on: string;
  created_on: string;
  modified_on: string;
}
export const PASS_HISTORY_COLUMNS = [
  'bytemark_pass_id',
  'user_id',
  'logged_on',
  'created_on',
  'modified_on',
] as const satisfies ReadonlyArray<keyof PassHistoryRow>;

/** `getPassUsageFrequency(startDate, endDate)`: `count('* as usage_count').select('user_id')`. */
export interface PassUsageFrequencyRow {
  usage_count: number;
  user_id: string;
}
export const PASS_USAGE_FREQUENCY_COLUMNS = ['usage_count', 'user_id'] as const satisfies ReadonlyArray<
  keyof PassUsageFrequencyRow
>;

/** `getDailyPassUsagePattern(startDate, endDate)`. */
export interface DailyPassUsageRow {
  usage_date: string;
  daily_pass_usage: number;
}
export const DAILY_PASS_USAGE_COLUMNS = ['usage_date', 'daily_pass_usage'] as const satisfies ReadonlyArray<
  keyof DailyPassUsageRow
>;

/** `getHourlyUsageDistribution()`. */
export interface HourlyUsageRow {
  usage_hour: number;
  hourly_count: number;
}
export const HOURLY_USAGE_COLUMNS = ['usage_hour', 'hourly_count'] as const satisfies ReadonlyArray<
  keyof HourlyUsageRow
>;

/** `getUserEngagementMetrics(userId)`: one row (`.first()`); for a user without interactions 0 and nulls. */
export interface UserEngagementRow {
  total_interactions: number;
  first_interaction: string | null;
  last_interaction: string | null;
  engagement_days: number | null;
}
export const USER_ENGAGEMENT_COLUMNS = [
  'total_interactions',
  'first_interaction',
  'last_interaction',
  'engagement_days',
] as const satisfies ReadonlyArray<keyof UserEngagementRow>;

/** `correlatePassUsageWithTrips(userId)`: a left join, so the trip columns are null for a pass without a trip that day. */
export interface PassTripCorrelationRow {
  pass_time: string;
  bytemark_pass_id: number;
  trip_id: number | null;
  trip_start: string | null;
  travel_mode: string | null;
}
export const PASS_TRIP_CORRELATION_COLUMNS = [
  'pass_time',
  'bytemark_pass_id',
  'trip_id',
  'trip_start',
  'travel_mode',
] as const satisfies ReadonlyArray<keyof PassTripCorrelationRow>;

/** `analyzeTransitAdoptionRate(periodDays = 30)`: `select('user_id').count('* as pass_usage_count')`. */
export interface TransitAdoptionRow {
  user_id: string;
  pass_usage_count: number;
}
export const TRANSIT_ADOPTION_COLUMNS = ['user_id', 'pass_usage_count'] as const satisfies ReadonlyArray<
  keyof TransitAdoptionRow
>;
