import type { Sequelize } from 'sequelize';
import { BytemarkTokensRepository } from '../tokens/bytemark-tokens.repository';
import { TicketCacheStateRepository, type TicketCacheState } from './ticket-cache-state.repository';
import { TEST_TOKEN_KEYRING, assertTestSchema, openTestConnections, truncateMysqlTables } from '../testing';
import { TokenCipher } from '../tokens/token-cipher';
import { UserTombstonesRepository } from '../user-tombstones.repository';

describe('TicketCacheStateRepository (MariaDB)', () => {
  let conns: Awaited<ReturnType<typeof openTestConnections>>;
  let sequelize: Sequelize;
  let states: TicketCacheStateRepository;
  let tokens: BytemarkTokensRepository;
  let tombstones: UserTombstonesRepository;

  const state = (userId: number, overrides: Partial<TicketCacheState> = {}): TicketCacheState => ({
    userId,
    refreshedAt: 1000,
    checkedAt: 1000,
    cacheVersion: 3,
    listHashes: { passes: 'a'.repeat(32), passes4: 'b'.repeat(32) },
    passCount: 7,
    outcome: 'unchanged',
    trigger: 'hourly',
    runRef: `sweep/run/user-${userId}`,
    ...overrides,
  });
  const addTokenUser = (userId: number, token: string | null = `tok-${userId}`) =>
    tokens.upsertAccount({ userId, email: `u${userId}@example.com`, password: 'pw', token });

  beforeAll(async () => {
    conns = await openTestConnections();
    sequelize = conns.sequelize;
    await assertTestSchema(sequelize);
    states = new TicketCacheStateRepository(sequelize);
    tombstones = new UserTombstonesRepository(sequelize);
    tokens = new BytemarkTokensRepository(sequelize, TokenCipher.fromKeyring(TEST_TOKEN_KEYRING));
  });
  beforeEach(() => truncateMysqlTables(sequelize));
  afterAll(() => conns.close());

  it('records a refresh and reads it back, due again TTL − grace later; an unknown user has no state', async () => {
    await states.record(state(1));
    expect(await states.find(1)).toEqual({
      ...state(1),
      nextDueAt: 1000 + 3300,
      authFailures: 0,
      failureType: null,
    });
    expect(await states.find(2)).toBeNull();
  });

  it('a failed outcome keeps the last successful refresh time and the schedule, so the user stays due', async () => {
    await states.record(state(1, { refreshedAt: 1000 }));
    await states.record(state(1, { refreshedAt: null, checkedAt: 2000, outcome: 'no-token' }));
    expect(await states.find(1)).toMatchObject({
      refreshedAt: 1000,
      checkedAt: 2000,
      outcome: 'no-token',
      nextDueAt: 4300,
    });
    await states.recordFailure({
      userId: 1,
      checkedAt: 2100,
      trigger: 'hourly',
      runRef: 'r',
      failureType: 'BytemarkUnavailableError',
    });
    expect(await states.find(1)).toMatchObject({
      refreshedAt: 1000,
      outcome: 'failed',
      failureType: 'BytemarkUnavailableError',
      nextDueAt: 4300,
    });
  });

  it('without a cache version the list hashes are not kept (the document must be read next time)', async () => {
    await states.record(state(1, { cacheVersion: null }));
    expect((await states.find(1))?.listHashes).toEqual({ passes: null, passes4: null });
  });

  it('failed logins back off, doubling up to a day, and a success resets them', async () => {
    const steps: Array<{ authFailures: number; delay: number }> = [];
    for (let i = 0; i < 8; i++) {
      const checkedAt = 10_000 + i;
      const r = await states.recordAuthFailure({ userId: 9, checkedAt, trigger: 'hourly', runRef: 'r' });
      steps.push({ authFailures: r.authFailures, delay: r.nextDueAt - checkedAt });
    }
    expect(steps.map((s) => s.delay)).toEqual([3300, 6600, 13_200, 26_400, 52_800, 86_400, 86_400, 86_400]);
    expect(steps.map((s) => s.authFailures)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    await states.record(state(9, { refreshedAt: 20_000 }));
    expect(await states.find(9)).toMatchObject({ authFailures: 0, failureType: null, nextDueAt: 23_300 });
  });

  it('a due page lists token users oldest first, new users (enrolled) before all, never the fresh, tombstoned or tokenless', async () => {
    for (const id of [1, 2, 3, 4, 5, 6]) await addTokenUser(id);
    await addTokenUser(7, null); // no token: never listed
    await states.record(state(2, { refreshedAt: 500 })); // due at 3800
    await states.record(state(3, { refreshedAt: 9000 })); // due at 12300: fresh at 10000
    await states.record(state(4, { refreshedAt: 100 })); // due at 3400: the oldest
    await states.record(state(5, { refreshedAt: 600 }));
    await tombstones.write({ userId: 5, purgeRef: 'test' }); // tombstoned, its state row still there
    await addTokenUser(8);
    await tombstones.write({ userId: 8, purgeRef: 'test' }); // tombstoned, its state row removed by the purge
    expect(await states.enrol()).toBe(2); // users 1 and 6 had no row; 8 is never enrolled
    expect(await states.enrol()).toBe(0);
    const first = await states.listDuePage({ dueBefore: 10_000, after: null, limit: 3 });
    expect(first.userIds).toEqual([1, 6, 4]);
    const second = await states.listDuePage({ dueBefore: 10_000, after: first.next, limit: 3 });
    expect(second).toEqual({ userIds: [2], next: null });
    expect(await states.countDue(10_000)).toBe(4);
    expect(await states.freshness({ now: 10_000, ttlSeconds: 3600 })).toEqual({
      tokenUsers: 5,
      due: 4,
      pastTtl: 4,
      neverRefreshed: 2,
      oldestCacheAgeSeconds: 9900,
      authBackoff: 0,
    });
  });

  it('a page over everyone lists every token user by id, whatever its state, except the tombstoned', async () => {
    for (const id of [1, 2, 3]) await addTokenUser(id);
    await states.record(state(2));
    await tombstones.write({ userId: 3, purgeRef: 'test' });
    expect(await states.listAllPage({ afterUserId: 0, limit: 10 })).toEqual({ userIds: [1, 2], nextCursor: null });
  });

  it('the refresh context holds the state, MySQL clock and the operator pause in one read', async () => {
    await states.record(state(1));
    const context = await states.readRefreshContext(1);
    expect(context.state).toMatchObject({ userId: 1, outcome: 'unchanged' });
    expect(Math.abs(context.dbNowUs / 1000 - Date.now())).toBeLessThan(5000);
    expect(context.paused).toBeNull();
    expect(context.purgedAt).toBeNull();
    expect((await states.readRefreshContext(99)).state).toBeNull();
    const { purgedAt } = await tombstones.write({ userId: 99, purgeRef: 'test' });
    expect(await states.readRefreshContext(99)).toMatchObject({ state: null, purgedAt });
    expect(Math.abs(purgedAt - Date.now() / 1000)).toBeLessThan(5);
  });
});
