import { QueryTypes, type Sequelize } from 'sequelize';
import { RefreshLogRepository, toUtcDatetime } from './refresh-log.repository';
import { assertTestSchema, openTestConnections, truncateMysqlTables } from '../testing';

describe('RefreshLogRepository (MariaDB)', () => {
  let conns: Awaited<ReturnType<typeof openTestConnections>>;
  let sequelize: Sequelize;
  let repo: RefreshLogRepository;

  beforeAll(async () => {
    conns = await openTestConnections();
    sequelize = conns.sequelize;
    await assertTestSchema(sequelize);
    repo = new RefreshLogRepository(sequelize);
  });
  beforeEach(() => truncateMysqlTables(sequelize));
  afterAll(() => conns.close());

  const countType2 = async (userId: number) => {
    const [row] = await sequelize.query<{ n: number }>(
      'SELECT COUNT(*) AS n FROM bytemark_ticket_refresh_log WHERE user_id = ? AND activity_type = 2',
      { replacements: [userId], type: QueryTypes.SELECT },
    );
    return Number(row?.n);
  };

  it('recording the same free tickets twice (in any order) returns the existing row instead of a second one', async () => {
    const first = await repo.recordFreeTickets({ userId: 5, passUuids: ['b-uuid', 'a-uuid'] });
    const again = await repo.recordFreeTickets({ userId: 5, passUuids: ['a-uuid', 'b-uuid', 'a-uuid'] });
    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, created: false });
    expect(await countType2(5)).toBe(1);
    const [row] = await repo.listPendingNotificationRows({ limit: 10 });
    expect(row).toMatchObject({ id: first.id, userId: 5 });
    expect(row?.note).toMatch(/^free:[0-9a-f]{12}:a-uuid,b-uuid$/);
  });

  it('still returns the existing row after it was processed, and a different set or user gets its own row', async () => {
    const first = await repo.recordFreeTickets({ userId: 5, passUuids: ['a'] });
    await repo.markProcessed([first.id]);
    expect(await repo.recordFreeTickets({ userId: 5, passUuids: ['a'] })).toEqual({ id: first.id, created: false });
    expect((await repo.recordFreeTickets({ userId: 5, passUuids: ['a', 'c'] })).created).toBe(true);
    expect((await repo.recordFreeTickets({ userId: 6, passUuids: ['a'] })).created).toBe(true);
  });

  it('concurrent recordings of the same free tickets store one row', async () => {
    const uuids = Array.from({ length: 20 }, (_, i) => `pass-${i}-0000-0000-0000-000000000000`);
    // Several rounds: the window a wrong implementation leaves (the lock released before the
    // insert is committed) is short, and one round may miss it.
    for (let userId = 20; userId < 30; userId++) {
      const results = await Promise.all(
        Array.from({ length: 6 }, () => repo.recordFreeTickets({ userId, passUuids: uuids })),
      );
      expect(new Set(results.map((r) => r.id)).size).toBe(1);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(await countType2(userId)).toBe(1);
    }
    const [row] = await repo.listPendingNotificationRows({ limit: 1 });
    expect(row?.note?.length).toBe(256);
  });

  it('lists type-1 rows and type-3 rows due at or before now, compared as UTC datetimes', async () => {
    const now = new Date('2025-03-13T15:00:00.400Z');
    const immediate = await repo.insert({ userId: 1, activityType: 1 });
    const dueExactly = await repo.insert({ userId: 2, activityType: 3, scheduledOn: new Date('2025-03-13T15:00:00Z') });
    const duePast = await repo.insert({ userId: 3, activityType: 3, scheduledOn: new Date('2025-03-12T23:59:59Z') });
    await repo.insert({ userId: 4, activityType: 3, scheduledOn: new Date('2025-03-13T15:00:01Z') });
    await repo.insert({ userId: 5, activityType: 2, note: 'free:x' });
    const processed = await repo.insert({ userId: 6, activityType: 1 });
    await repo.markProcessed([processed]);

    const due = await repo.listDueRefreshRows({ now, limit: 10 });
    expect(due.map((r) => r.id)).toEqual([immediate, dueExactly, duePast]);
    expect(due[0]).toEqual({ id: immediate, userId: 1, activityType: 1, scheduledOn: null });
    expect(due[1]?.scheduledOn?.toISOString()).toBe('2025-03-13T15:00:00.000Z');
    expect(await repo.listDueRefreshRows({ now, limit: 2 })).toHaveLength(2);
  });

  it('stores scheduled_on as the UTC wall time whatever the session would otherwise use', async () => {
    const id = await repo.insert({ userId: 1, activityType: 3, scheduledOn: new Date('2025-03-14T15:00:00Z') });
    const [row] = await sequelize.query<{ s: string }>(
      'SELECT DATE_FORMAT(scheduled_on, "%Y-%m-%d %H:%i:%s") AS s FROM bytemark_ticket_refresh_log WHERE id = ?',
      { replacements: [id], type: QueryTypes.SELECT },
    );
    expect(row?.s).toBe('2025-03-14 15:00:00');
  });

  it('markProcessed marks only the given ids that are still pending', async () => {
    const a = await repo.insert({ userId: 1, activityType: 1 });
    const b = await repo.insert({ userId: 1, activityType: 3, scheduledOn: new Date('2020-01-01T00:00:00Z') });
    const other = await repo.insert({ userId: 2, activityType: 1 });
    const done = await repo.insert({ userId: 1, activityType: 1 });
    expect(await repo.markProcessed([done])).toBe(1);

    expect(await repo.markProcessed([a, b, done, 424242])).toBe(2);
    expect(await repo.markProcessed([])).toBe(0);
    const rows = await sequelize.query<{ id: number; status: number }>(
      'SELECT id, status FROM bytemark_ticket_refresh_log ORDER BY id',
      {
        type: QueryTypes.SELECT,
      },
    );
    expect(rows).toEqual([
      { id: a, status: 1 },
      { id: b, status: 1 },
      { id: other, status: 0 },
      { id: done, status: 1 },
    ]);
  });

  it('selects by user: a user with hundreds of rows does not crowd the others out, and its rows come together', async () => {
    for (let i = 0; i < 300; i++) await repo.insert({ userId: 1, activityType: 1 });
    const other = await repo.insert({ userId: 2, activityType: 1 });
    const later = await repo.insert({ userId: 3, activityType: 3, scheduledOn: new Date('2020-01-01T00:00:00Z') });
    const due = await repo.listDueRefreshRows({ now: new Date(), limit: 3, rowsPerUser: 100 });
    expect(new Set(due.map((r) => r.userId))).toEqual(new Set([1, 2, 3]));
    expect(due.filter((r) => r.userId === 1)).toHaveLength(100);
    expect(due.map((r) => r.id)).toEqual(expect.arrayContaining([other, later]));
    // Two users per run: the one with the oldest row and the next one, never 300 rows of one.
    expect(new Set((await repo.listDueRefreshRows({ now: new Date(), limit: 2 })).map((r) => r.userId))).toEqual(
      new Set([1, 2]),
    );
  });

  it('queueRefreshNow adds one pending type-1 row per user, however often it is asked', async () => {
    const first = await repo.queueRefreshNow({ userId: 5, note: 'n' });
    const second = await repo.queueRefreshNow({ userId: 5, note: 'n' });
    expect(first.created).toBe(true);
    expect(second).toEqual({ id: first.id, created: false });
    await repo.markProcessed([first.id]);
    expect((await repo.queueRefreshNow({ userId: 5, note: 'n' })).created).toBe(true);
  });

  it('a transient failure backs the row off, doubling, without using up attempts; it fails only after many', async () => {
    const row = await repo.insert({ userId: 9, activityType: 2, note: 'free:x' });
    const other = await repo.insert({ userId: 10, activityType: 2, note: 'free:y' });
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      expect(await repo.recordFailure({ ids: [row], reason: 'push endpoint unreachable', permanent: false })).toEqual(
        [],
      );
      const [f] = await sequelize.query<{ wait: number }>(
        'SELECT TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), next_attempt_at) AS wait FROM bytemark_refresh_log_failures WHERE row_id = ?',
        { replacements: [row], type: QueryTypes.SELECT },
      );
      waits.push(Math.round(Number(f?.wait) / 60));
    }
    expect(waits).toEqual([5, 10, 20, 40]);
    // Waiting out its back-off, the row is not listed; the other rows are.
    expect((await repo.listPendingNotificationRows({ limit: 10 })).map((r) => r.id)).toEqual([other]);
    const inTwoHours = new Date(Date.now() + 2 * 3600_000);
    expect((await repo.listPendingNotificationRows({ limit: 10, now: inTwoHours })).map((r) => r.id)).toEqual([
      row,
      other,
    ]);
    expect(
      await repo.recordFailure({ ids: [row], reason: 'still down', permanent: false, maxTransientFailures: 5 }),
    ).toEqual([row]);
    expect(await repo.listFailed({ limit: 10 })).toEqual([
      expect.objectContaining({ id: row, userId: 9, activityType: 2, attempts: 5, reason: 'still down' }),
    ]);
  });

  it('a permanent failure marks the row failed at once, and is reported once', async () => {
    const row = await repo.insert({ userId: 11, activityType: 2, note: 'free:abc:u1' });
    expect(
      await repo.recordFailure({ ids: [row], reason: 'push endpoint answered HTTP 400', permanent: true }),
    ).toEqual([row]);
    expect(await repo.recordFailure({ ids: [row], reason: 'again', permanent: true })).toEqual([]);
    expect(await repo.listPendingNotificationRows({ limit: 10 })).toEqual([]);
  });

  it('requeueing a failed row makes it pending again with its attempts reset; other rows are left alone', async () => {
    const failed = await repo.insert({ userId: 12, activityType: 2, note: 'free:def:u2' });
    const pending = await repo.insert({ userId: 13, activityType: 2, note: 'free:ghi:u3' });
    await repo.recordFailure({ ids: [failed], reason: 'push endpoint answered HTTP 400', permanent: true });
    await repo.recordFailure({ ids: [pending], reason: 'push endpoint timed out', permanent: false });
    expect(await repo.requeueFailed([failed, pending])).toBe(1);
    expect(await repo.listFailed({ limit: 10 })).toEqual([]);
    expect((await repo.listPendingNotificationRows({ limit: 10 })).map((r) => r.id)).toEqual([failed]);
    // The requeued row's count starts again from zero; the pending row keeps its one transient failure.
    expect(
      await repo.recordFailure({
        ids: [failed, pending],
        reason: 'still failing',
        permanent: false,
        maxTransientFailures: 2,
      }),
    ).toEqual([pending]);
    expect(await repo.requeueFailed([])).toBe(0);
  });

  it('queue health counts pending and failed rows and ages the oldest due pending row, not one scheduled ahead', async () => {
    expect(await repo.queueHealth()).toEqual({ pending: 0, failed: 0, oldestPendingAgeSeconds: null });
    const ago = (seconds: number) => new Date(Date.now() - seconds * 1000);
    // A scheduled refresh due 10 minutes ago, one due tomorrow, a refresh-now row written 2 minutes ago.
    await repo.insert({ userId: 1, activityType: 3, scheduledOn: ago(600) });
    await repo.insert({ userId: 2, activityType: 3, scheduledOn: ago(-86_400) });
    const now = await repo.insert({ userId: 3, activityType: 1 });
    await sequelize.query('UPDATE bytemark_ticket_refresh_log SET created_on = ? WHERE id = ?', {
      replacements: [toUtcDatetime(ago(120)), now],
    });
    const failed = await repo.insert({ userId: 4, activityType: 2, note: 'free:abc:u4' });
    await repo.recordFailure({ ids: [failed], reason: 'push endpoint answered HTTP 400', permanent: true });
    await repo.markProcessed([await repo.insert({ userId: 5, activityType: 1 })]);

    const health = await repo.queueHealth();
    expect(health).toMatchObject({ pending: 3, failed: 1 });
    expect(health.oldestPendingAgeSeconds).toBeGreaterThanOrEqual(600);
    expect(health.oldestPendingAgeSeconds).toBeLessThan(620);
  });
});
