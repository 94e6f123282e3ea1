import type { Sequelize } from 'sequelize';
import { openTestConnections, truncateMysqlTables } from '../testing';
import { PassAnalyticsRepository } from './pass-analytics.repository';
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

const utc = (iso: string) => iso.slice(0, 19).replace('T', ' ');
const inPeriod = (s: Seeded, from: string, to: string) => s.at >= from && s.at <= to;

function countBy<T>(items: T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return m;
}

describe('PassAnalyticsRepository on MariaDB (UTC)', () => {
  let db: Awaited<ReturnType<typeof openTestConnections>>;
  let sequelize: Sequelize;
  let analytics: PassAnalyticsRepository;

  beforeAll(async () => {
    db = await openTestConnections();
    sequelize = db.sequelize;
    analytics = new PassAnalyticsRepository(sequelize);
    await truncateMysqlTables(sequelize, ['hntb_bytemark_pass', 'hntb_trip']);
    const report = await new PassInteractionRepository(sequelize).logBatch(
      SEED.map((s) => ({ bytemarkPassId: s.id, userId: s.user, loggedOn: s.at })),
      new Date('2025-06-01T00:00:00Z'),
    );
    expect(report.inserted).toBe(SEED.length);
    await sequelize.query(
      `INSERT INTO hntb_trip (trip_id, user_id, started_on, travel_mode) VALUES
       (100, 'alice', '2025-03-01 12:00:00', 'bus'), (101, 'alice', '2025-03-02 00:30:00', 'rail'), (102, 'bob', '2025-03-03 09:00:00', 'bus')`,
    );
  });
  afterAll(() => db.close());

  it('lists a user history newest first, limited', async () => {
    const expected = SEED.filter((s) => s.user === 'alice')
      .sort((a, b) => b.at.localeCompare(a.at))
      .slice(0, 3);
    const rows = await analytics.userHistory({ userId: 'alice', limit: 3 });
    expect(rows).toEqual(expected.map((s) => ({ bytemarkPassId: s.id, userId: s.user, loggedOn: utc(s.at) })));
  });

  it('counts usage per user within an inclusive period', async () => {
    const from = '2025-03-01T00:00:00Z';
    const to = '2025-03-02T08:00:00Z';
    const expected = [
      ...countBy(
        SEED.filter((s) => inPeriod(s, from, to)),
        (s) => s.user,
      ),
    ]
      .map(([userId, count]) => ({ userId, count }))
      .sort((a, b) => b.count - a.count || a.userId.localeCompare(b.userId));
    expect(await analytics.usageFrequency({ from: new Date(from), to: new Date(to) })).toEqual(expected);
  });

  it('counts daily usage on UTC day boundaries', async () => {
    const from = '2025-02-28T00:00:00Z';
    const to = '2025-03-31T23:59:59Z';
    const expected = [
      ...countBy(
        SEED.filter((s) => inPeriod(s, from, to)),
        (s) => s.at.slice(0, 10),
      ),
    ]
      .map(([day, count]) => ({ day, count }))
      .sort((a, b) => a.day.localeCompare(b.day));
    expect(await analytics.dailyUsage({ from: new Date(from), to: new Date(to) })).toEqual(expected);
  });

  it('distributes usage over UTC hours', async () => {
    const expected = [...countBy(SEED, (s) => s.at.slice(11, 13))]
      .map(([hour, count]) => ({ hour: Number(hour), count }))
      .sort((a, b) => a.hour - b.hour);
    expect(await analytics.hourlyDistribution()).toEqual(expected);
  });

  it("reports a user's engagement: total, first, last and whole days between", async () => {
    const mine = SEED.filter((s) => s.user === 'bob')
      .map((s) => s.at)
      .sort();
    const days = (Date.parse(mine.at(-1)!.slice(0, 10)) - Date.parse(mine[0]!.slice(0, 10))) / 86_400_000;
    expect(await analytics.userEngagement({ userId: 'bob' })).toEqual({
      userId: 'bob',
      total: mine.length,
      first: utc(mine[0]!),
      last: utc(mine.at(-1)!),
      engagementDays: days,
    });
    expect(await analytics.userEngagement({ userId: 'nobody' })).toEqual({
      userId: 'nobody',
      total: 0,
      first: null,
      last: null,
      engagementDays: null,
    });
  });

  it('correlates pass use with trips started the same UTC day, keeping passes without a trip', async () => {
    const rows = await analytics.tripCorrelation({ userId: 'alice' });
    expect(rows.map((r) => [r.bytemarkPassId, r.tripId])).toEqual([
      [9, null],
      [3, 101],
      [2, 100],
      [1, 100],
    ]);
  });

  it('lists users active in the last N days before now', async () => {
    const now = new Date('2025-03-11T00:00:00Z');
    const since = new Date(now.getTime() - 7 * 86_400_000).toISOString();
    const expected = [
      ...countBy(
        SEED.filter((s) => s.at > since),
        (s) => s.user,
      ),
    ]
      .map(([userId, count]) => ({ userId, count }))
      .sort((a, b) => b.count - a.count || a.userId.localeCompare(b.userId));
    expect(await analytics.transitAdoption({ days: 7, now })).toEqual(expected);
  });
});
