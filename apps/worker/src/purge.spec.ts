import { MockActivityEnvironment } from '@temporalio/testing';
import { createUserRefreshActivities } from '@btc/activities';
import type { BytemarkClient } from '@btc/bytemark-client';
import { requestTicketRefresh } from '@btc/ticket-cache-client';
import { purgeWorkflowId, type UserRefreshInput } from '@btc/workflows';
import { purgeProgressQuery, purgeUserCacheWorkflow, refreshAllTicketCachesWorkflow } from '@btc/workflows/workflows';
import { openHarness, type Harness } from '@btc/worker-runtime/testing';
import { recordFixture } from './testing/history-fixtures';

const FIRST = 14_001;
const USERS = 4;
let h: Harness;

beforeAll(async () => {
  h = await openHarness({ users: USERS, passesPerUser: 3, firstUserId: FIRST });
});
beforeEach(async () => {
  await h.reset();
  await h.seedTokens();
});
afterAll(() => h?.close());

const deps = () => h.dependencies.deps;
/** Everything the service keeps of a user's tickets. */
const leftOf = async (userId: number) => ({
  cacheDocument: await deps().cache.exists({ userId }),
  auditEntries: await deps().logs.countByUserId({ userId }),
  schedulingState: (await deps().states.find(userId)) !== null,
});
const NOTHING = { cacheDocument: false, auditEntries: 0, schedulingState: false };

const refreshActivity = (
  refresh: ReturnType<typeof createUserRefreshActivities>['refreshUserTickets'],
  userId: number,
  refreshId: string,
) =>
  new MockActivityEnvironment().run(refresh, {
    userId,
    mode: 'check',
    trigger: 'manual',
    refreshId,
  } satisfies UserRefreshInput);

describe('purgeUserCache: a deleted rider', () => {
  jest.setTimeout(180_000);

  it("a purged rider's cache and audit entries do not come back through sweeps or an on-demand refresh", async () => {
    const rider = FIRST;
    const other = FIRST + 1;
    await h.withWorkers(async (taskQueue) => {
      for (const userId of [rider, other]) {
        expect(await requestTicketRefresh(h.client, userId, { taskQueue, wait: true })).toMatchObject({
          outcome: 'built',
        });
      }
      expect((await leftOf(rider)).auditEntries).toBe(3);

      const purgeId = `${purgeWorkflowId(rider)}-${Date.now()}`;
      const purged = await h.client.workflow.execute(purgeUserCacheWorkflow, {
        taskQueue,
        workflowId: purgeId,
        args: [{ userId: rider, settleSeconds: 1 }],
      });
      recordFixture('purge-user-cache', purgeId);
      expect(purged.first.removed).toEqual({
        cacheDocument: true,
        auditEntries: 3,
        quarantined: 0,
        schedulingState: true,
      });
      expect(purged.second.removed).toEqual({
        cacheDocument: false,
        auditEntries: 0,
        quarantined: 0,
        schedulingState: false,
      });
      expect(await leftOf(rider)).toEqual(NOTHING);

      // The hourly sweep (due users, new ones enrolled) and a sweep over everyone: neither reaches the rider.
      for (const select of ['stale', 'all'] as const) {
        const sweep = await h.client.workflow.execute(refreshAllTicketCachesWorkflow, {
          taskQueue,
          workflowId: `purge-test-sweep-${select}-${Date.now()}`,
          args: [{ mode: 'check', trigger: 'manual', select }],
        });
        expect(sweep.usersSeen).toBe(USERS - 1);
        expect(sweep.failed).toBe(0);
      }
      // Asked for by another service: answered `purged`, nothing fetched or written.
      const onDemand = await requestTicketRefresh(h.client, rider, { taskQueue, wait: true });
      expect(onDemand.outcome).toBe('purged');

      expect(await leftOf(rider)).toEqual(NOTHING);
      expect(await leftOf(other)).toMatchObject({ cacheDocument: true, auditEntries: 3, schedulingState: true });
    });
  });

  it('a refresh that fetched before the purge and commits after it leaves no document and no audit entry', async () => {
    const rider = FIRST + 2;
    // The refresh has read its state (no tombstone yet) and fetched v1; its v4 call stalls until the purge is done.
    let releaseV4!: () => void;
    const v4MayAnswer = new Promise<void>((resolve) => (releaseV4 = resolve));
    let v1Fetched!: () => void;
    const v1Done = new Promise<void>((resolve) => (v1Fetched = resolve));
    const slowBytemark = Object.create(deps().bytemark) as BytemarkClient;
    slowBytemark.listPasses = async (...args) => {
      const list = await deps().bytemark.listPasses(...args);
      v1Fetched();
      return list;
    };
    slowBytemark.listPassHistory = async (...args) => {
      await v4MayAnswer;
      return deps().bytemark.listPassHistory(...args);
    };
    const slow = refreshActivity(
      createUserRefreshActivities({ ...deps(), bytemark: slowBytemark }).refreshUserTickets,
      rider,
      'slow-before-purge',
    );
    await v1Done;
    await deps().userPurge.purge({ userId: rider, purgeRef: 'purge-test' });
    releaseV4();

    expect(await slow).toMatchObject({ outcome: 'purged' });
    expect(await leftOf(rider)).toEqual(NOTHING);
  });

  it('a refresh of a purged rider removes a document that an attempt which raced the purge left', async () => {
    const rider = FIRST + 3;
    const refresh = createUserRefreshActivities(deps()).refreshUserTickets;
    await refreshActivity(refresh, rider, 'before-purge');
    const doc = await deps().cache.findByUserId({ userId: rider });
    await deps().userPurge.purge({ userId: rider, purgeRef: 'purge-test' });
    // What an attempt that committed after the purge's removal, and died before its own check, leaves behind.
    await deps().cache.commit({ userId: rider }, { ...doc!, version: 1 }, { expectedVersion: null });

    expect(await refreshActivity(refresh, rider, 'after-purge')).toMatchObject({ outcome: 'purged' });
    expect(await leftOf(rider)).toEqual(NOTHING);
  });

  it("the purge's second pass removes what was written after its first", async () => {
    const rider = FIRST;
    const refresh = createUserRefreshActivities(deps()).refreshUserTickets;
    await refreshActivity(refresh, rider, 'before-purge');
    const doc = await deps().cache.findByUserId({ userId: rider });
    await h.withWorkers(async (taskQueue) => {
      const handle = await h.client.workflow.start(purgeUserCacheWorkflow, {
        taskQueue,
        workflowId: `${purgeWorkflowId(rider)}-${Date.now()}`,
        args: [{ userId: rider, settleSeconds: 4 }],
      });
      while (!(await handle.query(purgeProgressQuery)).first) {
        await new Promise((r) => setTimeout(r, 100));
      }
      // A late writer (an attempt of a refresh that was past its checks) between the passes.
      await deps().cache.commit({ userId: rider }, { ...doc!, version: 1 }, { expectedVersion: null });
      await deps().states.record({
        userId: rider,
        refreshedAt: 1,
        checkedAt: 1,
        cacheVersion: 1,
        listHashes: { passes: null, passes4: null },
        passCount: 3,
        outcome: 'built',
        trigger: 'manual',
        runRef: 'late-writer',
      });
      const result = await handle.result();
      expect(result.second.removed).toMatchObject({ cacheDocument: true, schedulingState: true });
      expect(result.second.purgedAt).toBe(result.first.purgedAt);
    });
    expect(await leftOf(rider)).toEqual(NOTHING);
  });
});
