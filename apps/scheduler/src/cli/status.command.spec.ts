import { TicketCacheRepository, TicketCacheStateRepository } from '@btc/data';
import { clearMongoCollections, openTestConnections, testDatabaseUrls, truncateMysqlTables } from '@btc/data/testing';
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
      .parseAsync(['node', 'cli', 'status', String(userId)]);
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
      url: `http://ui.example:8233/namespaces/default/workflows/${run.workflowId}/${run.runId}/history`,
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
});
