import type { Sequelize } from 'sequelize';
import { BytemarkTokensRepository } from './bytemark-tokens.repository';
import { TicketCacheStateRepository, type TicketCacheState } from './ticket-cache-state.repository';
import { TEST_TOKEN_KEYRING, assertTestSchema, openTestConnections, truncateMysqlTables } from './testing';
import { TokenCipher } from './token-cipher';

describe('TicketCacheStateRepository (MariaDB)', () => {
  let conns: Awaited<ReturnType<typeof openTestConnections>>;
  let sequelize: Sequelize;
  let states: TicketCacheStateRepository;
  let tokens: BytemarkTokensRepository;

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
    tokens = new BytemarkTokensRepository(sequelize, TokenCipher.fromKeyring(TEST_TOKEN_KEYRING));
  });
  beforeEach(() => truncateMysqlTables(sequelize));
  afterAll(() => conns.close());

  it('records a refresh and reads it back; an unknown user has no state', async () => {
    await states.record(state(1));
    expect(await states.find(1)).toEqual(state(1));
    expect(await states.find(2)).toBeNull();
  });

  it('a failed outcome keeps the last successful refresh time, so the user stays due', async () => {
    await states.record(state(1, { refreshedAt: 1000 }));
    await states.record(state(1, { refreshedAt: null, checkedAt: 2000, outcome: 'failed-auth' }));
    expect(await states.find(1)).toMatchObject({ refreshedAt: 1000, checkedAt: 2000, outcome: 'failed-auth' });
  });

  it('without a cache version the list hashes are not kept (the document must be read next time)', async () => {
    await states.record(state(1, { cacheVersion: null }));
    expect((await states.find(1))?.listHashes).toEqual({ passes: null, passes4: null });
  });

  it('a sweep page selects token users never refreshed or refreshed at or before the cutoff, and counts the skipped', async () => {
    for (const id of [1, 2, 3, 4, 5, 6]) await addTokenUser(id);
    await addTokenUser(7, null); // no token: never listed
    await states.record(state(2, { refreshedAt: 500 })); // stale
    await states.record(state(3, { refreshedAt: 1500 })); // fresh
    await states.record(state(4, { refreshedAt: 1000 })); // exactly at the cutoff: stale
    await states.record(state(5, { refreshedAt: null })); // only failures so far: due
    const first = await states.listSweepPage({ afterUserId: 0, limit: 2, select: 'stale', staleAt: 1000 });
    expect(first).toEqual({ userIds: [1, 2], seen: 2, skipped: 0, nextCursor: 2 });
    const second = await states.listSweepPage({ afterUserId: 2, limit: 2, select: 'stale', staleAt: 1000 });
    expect(second).toEqual({ userIds: [4, 5], seen: 3, skipped: 1, nextCursor: 5 });
    const last = await states.listSweepPage({ afterUserId: 5, limit: 2, select: 'stale', staleAt: 1000 });
    expect(last).toEqual({ userIds: [6], seen: 1, skipped: 0, nextCursor: null });
  });

  it("'all' selects every token user, whatever its state", async () => {
    for (const id of [1, 2, 3]) await addTokenUser(id);
    await states.record(state(2));
    expect(await states.listSweepPage({ afterUserId: 0, limit: 10, select: 'all', staleAt: 0 })).toEqual({
      userIds: [1, 2, 3],
      seen: 3,
      skipped: 0,
      nextCursor: null,
    });
  });
});
