import {
  BytemarkTokensRepository,
  TicketCacheRepository,
  TicketCacheStateRepository,
  TokenCipher,
  writePaceControls,
} from '@btc/data';
import {
  TEST_TOKEN_KEYRING,
  clearMongoCollections,
  openTestConnections,
  testDatabaseUrls,
  truncateMysqlTables,
} from '@btc/data/testing';
import { batchWorkflowId, refreshId, sweepWorkflowId, userActivityId } from '@btc/workflows';
import { buildCli } from '../cli';

describe('cli status', () => {
  let conns: Awaited<ReturnType<typeof openTestConnections>>;
  const saved = { ...process.env };
  let printed: string[];

  beforeAll(async () => {
    conns = await openTestConnections();
    const { mysqlUrl, mongoUrl } = testDatabaseUrls();
    Object.assign(process.env, { MYSQL_URL: mysqlUrl, MONGO_URL: mongoUrl, TEMPORAL_UI_URL: 'http://ui.example:8233' });
  });
  beforeEach(async () => {
    await truncateMysqlTables(conns.sequelize);
    await clearMongoCollections(conns.mongo);
    printed = [];
    jest.spyOn(console, 'log').mockImplementation((line: unknown) => void printed.push(String(line)));
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => {
    process.env = saved;
    await conns.close();
  });

  const status = async (userId: number) => {
    await buildCli()
      .exitOverride()
      .parseAsync(['node', 'cli', '--json', 'status', String(userId)]);
    return JSON.parse(printed.join('\n')) as Record<string, Record<string, unknown> | null>;
  };

  it("prints the last hourly outcome and a link that opens the batch run holding the user's activity", async () => {
    const userId = 321;
    const run = {
      workflowId: batchWorkflowId({
        sweepWorkflowId: sweepWorkflowId('hourly'),
        sweepFirstRunId: '0a1b2c3d-run',
        firstUserId: 300,
      }),
      runId: '01a2-run',
      activityId: userActivityId(userId),
    };
    const now = Math.floor(Date.now() / 1000);
    await new TicketCacheRepository(conns.mongo).commit(
      { userId },
      {
        user_id: userId,
        timestamp: now - 60,
        passes: [],
        passes4: [],
        passesLog: [],
        passes4Log: [],
        version: 1,
        refresh_id: refreshId(run),
        refresh_summary: null,
        pending: null,
        announced_free: [],
      },
      { expectedVersion: null },
    );
    await new TicketCacheStateRepository(conns.sequelize).record({
      userId,
      refreshedAt: now - 60,
      checkedAt: now - 60,
      cacheVersion: 1,
      listHashes: { passes: null, passes4: null },
      passCount: 0,
      outcome: 'updated',
      trigger: 'hourly',
      runRef: refreshId(run),
    });

    const out = await status(userId);
    expect(out['lastRefresh']).toMatchObject({
      outcome: 'updated',
      trigger: 'hourly',
      run,
      url: `http://ui.example:8233/namespaces/${process.env['TEMPORAL_NAMESPACE'] ?? 'default'}/workflows/${run.workflowId}/${run.runId}/history`,
    });
    expect(out['cache']).toMatchObject({ passes: 0, stale: false, pendingEffects: false });
  });

  it('shows a dead account backing off: its failed logins in a row and when it is tried again', async () => {
    const userId = 654;
    const states = new TicketCacheStateRepository(conns.sequelize, { dueAfterSeconds: 3300 });
    const checkedAt = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 3; i++) await states.recordAuthFailure({ userId, checkedAt, trigger: 'hourly', runRef: 'r' });

    const out = await status(userId);
    // 55 minutes, doubled twice: tried again 3 h 40 min later.
    expect(out['lastRefresh']).toMatchObject({
      outcome: 'failed-auth',
      failedLoginsInARow: 3,
      nextAttemptAt: new Date((checkedAt + 4 * 3300) * 1000).toISOString(),
    });
  });

  it('prints nulls for a user that was never refreshed', async () => {
    expect(await status(999)).toEqual({ userId: 999, cache: null, lastRefresh: null });
  });

  it('without a user id it prints the capacity: token users, refreshes per hour at the limit in force, the oldest cache', async () => {
    const now = Math.floor(Date.now() / 1000);
    const tokens = new BytemarkTokensRepository(conns.sequelize, TokenCipher.fromKeyring(TEST_TOKEN_KEYRING));
    const states = new TicketCacheStateRepository(conns.sequelize);
    for (const userId of [1, 2, 3]) {
      await tokens.upsertAccount({
        userId,
        email: `u${userId}@example.com`,
        password: 'pw',
        token: `t${userId}`,
        status: 'used',
      });
    }
    const refreshed = (userId: number, agoSeconds: number) =>
      states.record({
        userId,
        refreshedAt: now - agoSeconds,
        checkedAt: now - agoSeconds,
        cacheVersion: 1,
        listHashes: { passes: null, passes4: null },
        passCount: 0,
        outcome: 'unchanged',
        trigger: 'hourly',
        runRef: 'w/r',
      });
    await refreshed(1, 600);
    await refreshed(2, 7300); // past the 60-minute TTL
    // User 3 was never refreshed. An operator raised the limit to 40 calls/s.
    await writePaceControls(conns.sequelize, { rateLimitRps: 40 });
    process.env['BYTEMARK_RATE_LIMIT_RPS'] = '20';

    await buildCli().exitOverride().parseAsync(['node', 'cli', '--json', 'status']);
    const { capacity } = JSON.parse(printed.join('\n')) as { capacity: Record<string, unknown> };
    expect(capacity).toMatchObject({
      tokenUsers: 3,
      pastTtl: 2,
      neverRefreshed: 1,
      rateLimitRps: 40,
      rateLimitSource: 'operator',
      // 40 calls/s at the pacer's 95 %, two calls a refresh: 19 refreshes a second; a sweep starts users for 45 minutes.
      refreshesPerHour: 68_400,
      usersPerSweep: 51_300,
      paused: null,
      lastSweep: null,
    });
    expect(capacity['oldestCacheAgeSeconds']).toBeGreaterThanOrEqual(7300);
    expect(capacity['oldestCacheAgeSeconds']).toBeLessThan(7400);

    printed = [];
    await buildCli().exitOverride().parseAsync(['node', 'cli', 'status']);
    expect(printed.join('\n')).toMatch(/^token users: +3 \(\d+ due, 2 past the TTL, 1 never refreshed/m);
    expect(printed.join('\n')).toMatch(/^oldest cache: +2 h 0[12] min$/m);
    expect(printed.join('\n')).toMatch(/^rate limit: +40 calls\/s \(set by an operator\)$/m);
    expect(printed.join('\n')).toMatch(/^capacity: +68400 refreshes per hour, 51300 users per hourly sweep$/m);
  });
});
