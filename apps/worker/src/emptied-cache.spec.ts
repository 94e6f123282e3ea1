import { requestTicketRefresh } from '@btc/ticket-cache-client';
import { bootstrapWorkflowId } from '@btc/workflows';
import { type bootstrapTicketCachesWorkflow, processRefreshLogQueueWorkflow } from '@btc/workflows/workflows';
import { openHarness, type Harness } from '@btc/worker-runtime/testing';

const FIRST = 16_001;
const USERS = 5;
let h: Harness;

beforeAll(async () => {
  h = await openHarness({ users: USERS, passesPerUser: 2, firstUserId: FIRST });
  await h.reset();
  await h.seedTokens();
});
afterAll(() => h?.close());

const cache = () => h.dependencies.deps.cache;
const queueRun = (taskQueue: string) =>
  h.client.workflow.execute(processRefreshLogQueueWorkflow, {
    taskQueue,
    workflowId: `emptied-cache-queue-${Date.now()}`,
    args: [{}],
  });

/** Domain §4.5 and §4.8: `buildCacheIfEmpty` at the start of every five-minute run, not only when the scheduler starts. */
describe('a cache the platform emptied or deleted comes back before the next hourly sweep', () => {
  jest.setTimeout(180_000);

  it('a run of the refresh-log queue finds the collection emptied and starts the bootstrap, which builds every cache', async () => {
    await h.withWorkers(async (taskQueue) => {
      for (let userId = FIRST; userId < FIRST + USERS; userId++) {
        await requestTicketRefresh(h.client, userId, { taskQueue, wait: true });
      }
      expect(await queueRun(taskQueue)).toMatchObject({ bootstrapStarted: false });

      // Emptied (a restore gone wrong, a dropped collection): every user's state still says fresh.
      for (let userId = FIRST; userId < FIRST + USERS; userId++) await cache().deleteByUserId({ userId });
      expect(await cache().count()).toBe(0);

      const run = await queueRun(taskQueue);
      expect(run.bootstrapStarted).toBe(true);
      const bootstrap = await h.client.workflow
        .getHandle<typeof bootstrapTicketCachesWorkflow>(bootstrapWorkflowId())
        .result();
      expect(bootstrap).toMatchObject({
        built: true,
        cachesBefore: 0,
        sweep: { failed: 0, refreshed: { built: USERS } },
      });
      expect(await cache().count()).toBe(USERS);
    });
  });

  it('an if-stale refresh of a user whose state says fresh but whose document is gone builds it, it does not skip', async () => {
    const userId = FIRST;
    await h.withWorkers(async (taskQueue) => {
      await requestTicketRefresh(h.client, userId, { taskQueue, wait: true });
      expect(await requestTicketRefresh(h.client, userId, { taskQueue, mode: 'if-stale', wait: true })).toMatchObject({
        outcome: 'fresh-skipped',
      });
      await cache().deleteByUserId({ userId });

      const summary = await requestTicketRefresh(h.client, userId, { taskQueue, mode: 'if-stale', wait: true });
      expect(summary).toMatchObject({ outcome: 'built', created: 2 });
      expect(await cache().exists({ userId })).toBe(true);
    });
  });
});
