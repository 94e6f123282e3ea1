import type { Sequelize } from 'sequelize';
import { createSequelize } from '../connections';
import { ensureTestMysqlDatabase, testDatabaseUrls, truncateMysqlTables } from '../testing';
import { PassAnalyticsRepository } from './pass-analytics.repository';
import {
  DAILY_PASS_USAGE_COLUMNS,
  HOURLY_USAGE_COLUMNS,
  PASS_HISTORY_COLUMNS,
  PASS_TRIP_CORRELATION_COLUMNS,
  PASS_USAGE_FREQUENCY_COLUMNS,
  TRANSIT_ADOPTION_COLUMNS,
  USER_ENGAGEMENT_COLUMNS,
} from './pass-analytics.rows';
import { PassInteractionRepository } from './pass-interaction.repository';

interface Seeded {
  id: number;
  user: string;
  at: string; // ISO UTC
}

/** Interactions around UTC day and hour boundaries, over three users. */
const SEED: Seeded[] = [
  { id: 1, user: 'alice', at: '2025-03-01T00:00:00Z' },
  { id: 2, user: 'alice', at: '2025-03-01T23:59:59Z' },
  { id: 3, user: 'alice', at: '2025-03-02T00:00:00Z' },
  { id: 4, user: 'bob', at: '2025-03-02T07:59:59Z' },
  { id: 5, user: 'bob', at: '2025-03-02T08:00:00Z' },
  { id: 6, user: 'bob', at: '2025-03-05T08:30:00Z' },
  { id: 7, user: 'carol', at: '2025-02-28T23:59:59Z' },
  { id: 8, user: 'carol', at: '2025-03-10T17:15:00Z' },
  { id: 9, user: 'alice', at: '2025-03-10T17:45:00Z' },
];

/** The seed's column names, in its order, are the keys of every row. */
function expectColumns(rows: object[], columns: readonly string[]): void {
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) expect(Object.keys(row)).toEqual(columns);
}

describe('PassAnalyticsRepository on MariaDB: the seed queries, column names and semantics', () => {
  let sequelize: Sequelize;
  let analytics: PassAnalyticsRepository;
  let insertedAt: { from: number; to: number };

  beforeAll(async () => {
    const { mysqlUrl } = testDatabaseUrls();
    await ensureTestMysqlDatabase(mysqlUrl);
    sequelize = createSequelize(mysqlUrl);
    analytics = new PassAnalyticsRepository(sequelize);
    await truncateMysqlTables(sequelize, ['hntb_bytemark_pass', 'hntb_trip']);
    const from = Math.floor(Date.now() / 1000) * 1000;
    const report = await new PassInteractionRepository(sequelize).logBatch(
      SEED.map((s) => ({ bytemarkPassId: s.id, userId: s.user, loggedOn: s.at })),
      new Date('2025-06-01T00:00:00Z'),
    );
    insertedAt = { from, to: Date.now() };
    expect(report).toEqual({ inserted: SEED.length, duplicates: [], rejected: [] });
    await sequelize.query(
      `INSERT INTO hntb_trip (trip_id, user_id, started_on, travel_mode) VALUES
       (100, 'alice', '2025-03-01 12:00:00', 'bus'), (101, 'alice', '2025-03-02 00:30:00', 'rail'),
       (102, 'bob', '2025-03-03 09:00:00', 'bus'), (103, 'alice', '2025-03-01 06:00:00', 'walk')`,
    );
  });
  afterAll(() => sequelize.close());

  it('getUserPassHistory: the newest rows of one user with the table columns, at most the limit', async () => {
    const rows = await analytics.userHistory({ userId: 'alice', limit: 3 });
    expectColumns(rows, PASS_HISTORY_COLUMNS);
    expect(rows.map(({ bytemark_pass_id, user_id, logged_on }) => ({ bytemark_pass_id, user_id, logged_on }))).toEqual([
      { bytemark_pass_id: 9, user_id: 'alice', logged_on: '2025-03-10 17:45:00' },
      { bytemark_pass_id: 3, user_id: 'alice', logged_on: '2025-03-02 00:00:00' },
      { bytemark_pass_id: 2, user_id: 'alice', logged_on: '2025-03-01 23:59:59' },
    ]);
    for (const row of rows) {
      for (const stamp of [row.created_on, row.modified_on]) {
        const ms = Date.parse(`${stamp.replace(' ', 'T')}Z`);
        expect(ms).toBeGreaterThanOrEqual(insertedAt.from - 1000);
        expect(ms).toBeLessThanOrEqual(insertedAt.to + 1000);
      }
    }
    expect(await analytics.userHistory({ userId: 'alice' })).toHaveLength(4); // default limit 100
  });

  it('getPassUsageFrequency: usage_count per user_id within an inclusive period, most first', async () => {
    const rows = await analytics.usageFrequency({
      from: new Date('2025-03-01T00:00:00Z'),
      to: new Date('2025-03-02T08:00:00Z'),
    });
    expectColumns(rows, PASS_USAGE_FREQUENCY_COLUMNS);
    expect(rows).toEqual([
      { usage_count: 3, user_id: 'alice' },
      { usage_count: 2, user_id: 'bob' },
    ]);
  });

  it('compares period bounds to the millisecond, as the seed driver sends a Date', async () => {
    const rows = await analytics.usageFrequency({
      from: new Date('2025-03-01T00:00:00.500Z'), // excludes alice's 00:00:00
      to: new Date('2025-03-02T07:59:59.999Z'), // includes bob's 07:59:59, excludes his 08:00:00
    });
    expect(rows).toEqual([
      { usage_count: 2, user_id: 'alice' },
      { usage_count: 1, user_id: 'bob' },
    ]);
  });

  it('getDailyPassUsagePattern: daily_pass_usage per usage_date on UTC day boundaries', async () => {
    const rows = await analytics.dailyUsage({
      from: new Date('2025-02-28T00:00:00Z'),
      to: new Date('2025-03-31T23:59:59Z'),
    });
    expectColumns(rows, DAILY_PASS_USAGE_COLUMNS);
    expect(rows).toEqual([
      { usage_date: '2025-02-28', daily_pass_usage: 1 },
      { usage_date: '2025-03-01', daily_pass_usage: 2 },
      { usage_date: '2025-03-02', daily_pass_usage: 3 },
      { usage_date: '2025-03-05', daily_pass_usage: 1 },
      { usage_date: '2025-03-10', daily_pass_usage: 2 },
    ]);
  });

  it('getHourlyUsageDistribution: hourly_count per usage_hour over every row, as the seed (no period)', async () => {
    const rows = await analytics.hourlyDistribution();
    expectColumns(rows, HOURLY_USAGE_COLUMNS);
    expect(rows).toEqual([
      { usage_hour: 0, hourly_count: 2 },
      { usage_hour: 7, hourly_count: 1 },
      { usage_hour: 8, hourly_count: 2 },
      { usage_hour: 17, hourly_count: 2 },
      { usage_hour: 23, hourly_count: 2 },
    ]);
    const march2 = await analytics.hourlyDistribution({
      from: new Date('2025-03-02T00:00:00Z'),
      to: new Date('2025-03-02T23:59:59Z'),
    });
    expect(march2).toEqual([
      { usage_hour: 0, hourly_count: 1 },
      { usage_hour: 7, hourly_count: 1 },
      { usage_hour: 8, hourly_count: 1 },
    ]);
  });

  it('getUserEngagementMetrics: one row of total, first and last interaction and calendar days between', async () => {
    const bob = await analytics.userEngagement({ userId: 'bob' });
    expectColumns([bob], USER_ENGAGEMENT_COLUMNS);
    expect(bob).toEqual({
      total_interactions: 3,
      first_interaction: '2025-03-02 07:59:59',
      last_interaction: '2025-03-05 08:30:00',
      engagement_days: 3,
    });
    // DATEDIFF counts calendar days: one second across midnight is a day.
    expect((await analytics.userEngagement({ userId: 'carol' })).engagement_days).toBe(10);
    expect(await analytics.userEngagement({ userId: 'nobody' })).toEqual({
      total_interactions: 0,
      first_interaction: null,
      last_interaction: null,
      engagement_days: null,
    });
  });

  it('correlatePassUsageWithTrips: every same-day trip of each pass use, and passes without a trip kept with nulls', async () => {
    const rows = await analytics.tripCorrelation({ userId: 'alice' });
    expectColumns(rows, PASS_TRIP_CORRELATION_COLUMNS);
    expect(rows).toEqual([
      { pass_time: '2025-03-10 17:45:00', bytemark_pass_id: 9, trip_id: null, trip_start: null, travel_mode: null },
      {
        pass_time: '2025-03-02 00:00:00',
        bytemark_pass_id: 3,
        trip_id: 101,
        trip_start: '2025-03-02 00:30:00',
        travel_mode: 'rail',
      },
      {
        pass_time: '2025-03-01 23:59:59',
        bytemark_pass_id: 2,
        trip_id: 103,
        trip_start: '2025-03-01 06:00:00',
        travel_mode: 'walk',
      },
      {
        pass_time: '2025-03-01 23:59:59',
        bytemark_pass_id: 2,
        trip_id: 100,
        trip_start: '2025-03-01 12:00:00',
        travel_mode: 'bus',
      },
      {
        pass_time: '2025-03-01 00:00:00',
        bytemark_pass_id: 1,
        trip_id: 103,
        trip_start: '2025-03-01 06:00:00',
        travel_mode: 'walk',
      },
      {
        pass_time: '2025-03-01 00:00:00',
        bytemark_pass_id: 1,
        trip_id: 100,
        trip_start: '2025-03-01 12:00:00',
        travel_mode: 'bus',
      },
    ]);
  });

  it('analyzeTransitAdoptionRate: pass_usage_count per user_id strictly after now minus N days, most first', async () => {
    const rows = await analytics.transitAdoption({ days: 8, now: new Date('2025-03-10T08:30:00Z') });
    expectColumns(rows, TRANSIT_ADOPTION_COLUMNS);
    // since 2025-03-02T08:30:00Z: bob's 03-05 and carol's and alice's 03-10 (those are "after now" here, still counted as the seed does).
    expect(rows).toEqual([
      { user_id: 'alice', pass_usage_count: 1 },
      { user_id: 'bob', pass_usage_count: 1 },
      { user_id: 'carol', pass_usage_count: 1 },
    ]);
    const edge = await analytics.transitAdoption({ days: 8, now: new Date('2025-03-10T08:00:00Z') });
    expect(edge.find((r) => r.user_id === 'bob')).toEqual({ user_id: 'bob', pass_usage_count: 1 }); // 08:00:00 itself is not after
    expect(await analytics.transitAdoption({ now: new Date('2030-01-01T00:00:00Z') })).toEqual([]); // default 30 days
  });
});
