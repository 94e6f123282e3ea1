import { QueryTypes } from 'sequelize';
import { bootstrapTicketCachesWorkflow, processRefreshLogQueueWorkflow } from '@btc/workflows/workflows';
import { openHarness, startHttpRecorder, type Harness } from '@btc/worker-runtime/testing';
import { recordFixture } from './testing/history-fixtures';

const FIRST = 4001;
let h: Harness;
let notifications: Awaited<ReturnType<typeof startHttpRecorder>>;

beforeAll(async () => {
  notifications = await startHttpRecorder();
  h = await openHarness({
    users: 12,
    passesPerUser: 3,
    firstUserId: FIRST,
    notificationUrl: `${notifications.url}/push`,
  });
  await h.reset();
  await h.seedTokens();
});
afterAll(async () => {
  await h?.close();
  await notifications?.close();
});

/** Runs a workflow (by its function) to its result; `fixture` names the replay fixture its history is recorded as. */
async function start<I, T>(
  taskQueue: string,
  workflow: (input: I) => Promise<T>,
  input: I,
  id: string,
  fixture?: string,
): Promise<T> {
  const workflowId = `${id}-${Date.now()}`;
  const result = await h.client.workflow.execute(workflow, { taskQueue, workflowId, args: [input] });
  if (fixture) recordFixture(fixture, workflowId);
  return result;
}

async function rows(): Promise<Array<{ id: number; user_id: number; activity_type: number; status: number }>> {
  return h.dependencies.sequelize.query(
    'SELECT id, user_id, activity_type, status FROM bytemark_ticket_refresh_log ORDER BY id',
    {
      type: QueryTypes.SELECT,
    },
  );
}

describe('bootstrap (buildCacheIfEmpty)', () => {
  jest.setTimeout(180_000);

  it('builds every token user on an empty collection, then does nothing; backfill builds only the missing', async () => {
    await h.withWorkers(async (tq) => {
      expect(await h.dependencies.deps.cache.count()).toBe(0);
      const first = await start(tq, bootstrapTicketCachesWorkflow, {}, 'bootstrap', 'bootstrap-build');
      expect(first).toMatchObject({
        built: true,
        cachesBefore: 0,
        sweep: { usersSeen: 12, failed: 0, refreshed: { built: 12 } },
      });
      expect(await h.dependencies.deps.cache.count()).toBe(12);

      const second = await start(tq, bootstrapTicketCachesWorkflow, {}, 'bootstrap');
      expect(second).toMatchObject({ built: false, cachesBefore: 12 });
      expect((second as { reason: string }).reason).toMatch(/already holds 12/);

      await h.dependencies.deps.cache.deleteByUserId({ userId: FIRST + 3 });
      await h.dependencies.deps.cache.deleteByUserId({ userId: FIRST + 5 });
      const backfill = await start(tq, bootstrapTicketCachesWorkflow, { backfill: true }, 'backfill');
      expect(backfill).toMatchObject({
        built: true,
        cachesBefore: 10,
        sweep: { skippedFresh: 10, refreshed: { built: 2 } },
      });
    });
  });
});

describe('the legacy refresh-log queue', () => {
  jest.setTimeout(180_000);

  it('refreshes type 1 and due type 3 rows, leaves future ones, sends each free-ticket push once, marks only rows it read', async () => {
    const { refreshLog } = h.dependencies.deps;
    const hour = 3600_000;
    const now1 = await refreshLog.insert({ userId: FIRST, activityType: 1 });
    const due3 = await refreshLog.insert({
      userId: FIRST + 1,
      activityType: 3,
      scheduledOn: new Date(Date.now() - hour),
    });
    const later3 = await refreshLog.insert({
      userId: FIRST + 2,
      activityType: 3,
      scheduledOn: new Date(Date.now() + 3 * hour),
    });
    const free2 = await refreshLog.insert({ userId: FIRST + 4, activityType: 2, note: 'free:test' });
    const free2b = await refreshLog.insert({ userId: FIRST + 4, activityType: 2, note: 'free:test-2' });

    await h.withWorkers(async (tq) => {
      const result = await start(tq, processRefreshLogQueueWorkflow, {}, 'queue', 'refresh-log-queue');
      expect(result).toMatchObject({
        refreshRows: 2,
        usersRefreshed: 2,
        usersDeferred: 0,
        notificationRows: 2,
        notificationsSent: 1,
      });
    });
    const status = new Map((await rows()).map((r) => [r.id, r.status]));
    expect([now1, due3, free2, free2b].map((id) => status.get(id))).toEqual([1, 1, 1, 1]);
    expect(status.get(later3)).toBe(0);
    expect(notifications.requests).toHaveLength(1);
    expect(notifications.requests[0]!.body).toMatchObject({
      user_ids: [FIRST + 4],
      notification_type: 75,
      title: "You've earned 5 free METRO tickets!",
      language: 'en-us',
      silent: false,
    });
    expect(notifications.requests[0]!.headers['idempotency-key']).toBe(`free-ticket:${FIRST + 4}:${free2},${free2b}`);
  });

  it('does not send twice when a run died between sending and marking the rows', async () => {
    const { refreshLog, ledger, push } = h.dependencies.deps;
    const id = await refreshLog.insert({ userId: FIRST + 6, activityType: 2, note: 'free:x' });
    // What a run that crashed after the send left behind: the push went out and is in the ledger, the row is pending.
    const key = `free-ticket:${FIRST + 6}:${id}`;
    await push.sendFreeTicket(FIRST + 6, key);
    await ledger.recordSent({ key, userId: FIRST + 6, rowIds: [id] });
    const sentBefore = notifications.requests.length;

    await h.withWorkers(async (tq) => {
      const result = await start(tq, processRefreshLogQueueWorkflow, {}, 'queue');
      expect(result).toMatchObject({ notificationRows: 1, notificationsSent: 1 });
    });
    expect(notifications.requests).toHaveLength(sentBefore);
    expect((await rows()).find((r) => r.id === id)?.status).toBe(1);
  });
});
