import { WorkflowFailedError } from '@temporalio/client';
import { requestTicketRefresh } from '@btc/ticket-cache-client';
import { openHarness, type Harness } from '@btc/worker-runtime/testing';

let h: Harness;

beforeAll(async () => {
  h = await openHarness({ users: 3, passesPerUser: 4, firstUserId: 12_001 });
  await h.reset();
  await h.seedTokens();
});
afterAll(() => h?.close());
afterEach(() => h.admin.clearFaults());

const refresh = (taskQueue: string, userId: number) =>
  requestTicketRefresh(h.client, userId, { taskQueue, wait: true });

describe('a hostile Bytemark API cannot corrupt the cache', () => {
  jest.setTimeout(120_000);

  it('a response without its pass array fails the refresh (outcome failed) and keeps the cache as it was', async () => {
    const userId = 12_001;
    await h.withWorkers(async (taskQueue) => {
      await refresh(taskQueue, userId);
      const before = await h.dependencies.deps.cache.findByUserId({ userId });
      await h.admin.setFaults({ 'GET /passes': { missingPassArray: true, userId } });
      const error = await refresh(taskQueue, userId).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkflowFailedError);
      expect(JSON.stringify((error as WorkflowFailedError).cause)).toContain('BytemarkResponseError');
      expect(await h.dependencies.deps.cache.findByUserId({ userId })).toEqual(before);
      expect(await h.dependencies.deps.states.find(userId)).toMatchObject({ outcome: 'failed' });
    });
  });

  it('a 403 (a revoked client id, a proxy) fails at once, without a re-login, as its own type', async () => {
    const userId = 12_002;
    await h.withWorkers(async (taskQueue) => {
      await h.admin.resetCounters();
      await h.admin.setFaults({ 'GET /passes': { httpStatus: 403, userId } });
      const error = await refresh(taskQueue, userId).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkflowFailedError);
      expect(JSON.stringify((error as WorkflowFailedError).cause)).toContain('BytemarkForbiddenError');
      const counters = await h.admin.counters();
      expect(counters['POST /users/login']).toBeUndefined();
      expect(counters['GET /passes']?.total).toBe(1);
    });
  });
});
