import { refreshTicketCacheBatchWorkflow } from '@btc/workflows/workflows';
import { openHarness, startWorkerProcess, uniqueTaskQueue, type Harness } from '@btc/worker-runtime/testing';

const USERS = 60;
/** Bytemark calls per second, for the whole service: the simulator enforces it too (a 429 would show). */
const RATE = 20;
let h: Harness;

beforeAll(async () => {
  h = await openHarness({ users: USERS, passesPerUser: 2, firstUserId: 6001 });
  await h.reset();
  await h.seedTokens();
});
afterAll(() => h?.close());

describe('the Bytemark rate limit', () => {
  jest.setTimeout(180_000);

  it('holds across two worker processes: no second ever sees more calls than the limit', async () => {
    const taskQueue = uniqueTaskQueue('rate');
    const env = { BYTEMARK_RATE_LIMIT_RPS: String(RATE) };
    const workers = [startWorkerProcess(h, taskQueue, env), startWorkerProcess(h, taskQueue, env)];
    try {
      await Promise.all(workers.map((w) => w.ready));
      await h.admin.setSettings({ latency: { fixedMs: 20 }, rateLimitRps: RATE });
      await h.admin.resetCounters();
      const userIds = Array.from({ length: USERS }, (_, i) => 6001 + i);
      const started = Date.now();
      const result = await h.client.workflow.execute(refreshTicketCacheBatchWorkflow, {
        taskQueue,
        workflowId: `${taskQueue}-batch`,
        args: [{ userIds, mode: 'check', trigger: 'manual', maxInFlight: 25 }],
      });
      const seconds = (Date.now() - started) / 1000;
      const rate = await h.admin.rate();
      const counters = await h.admin.counters();
      console.log(`${USERS} users, limit ${RATE} calls/s, two workers: ${JSON.stringify(rate)} in ${seconds} s`);
      expect(result).toMatchObject({ users: USERS, failed: 0, outcomes: { built: USERS } });
      expect(rate.total).toBe(USERS * 2);
      expect(rate.peakPerSecond).toBeLessThanOrEqual(RATE);
      expect(JSON.stringify(counters)).not.toContain('"429"');
      // Both processes took part (the limit is the server's, not each worker's).
      const identities = new Set<string>();
      for (const event of (await h.client.workflow.getHandle(`${taskQueue}-batch`).fetchHistory()).events ?? []) {
        const identity = event.activityTaskStartedEventAttributes?.identity;
        if (identity) identities.add(identity);
      }
      expect(identities.size).toBe(2);
    } finally {
      await h.admin.setSettings({ latency: { fixedMs: 0 }, rateLimitRps: 0 });
      await Promise.all(workers.map((w) => w.kill()));
    }
  });
});
