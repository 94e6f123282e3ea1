import { randomInt, randomUUID } from 'node:crypto';
import { refreshWorkflowId } from './ids';
import { processRefreshLogQueueWorkflow } from './process-refresh-log-queue.workflow';
import { HeldCalls } from './testing/held-calls';
import { askRefresh, summary } from './testing/refresh-stubs';
import { openWorkflowTestEnv, type WorkflowTestEnv } from './testing/stub-workers';
import type { RefreshSummary, UserRefreshInput } from './types';

let env: WorkflowTestEnv;
beforeAll(async () => {
  env = await openWorkflowTestEnv();
});
afterAll(() => env?.close());

/** The queue's database side with these due rows and no notifications, recording what it marks. */
function queueStubs(rows: Array<{ id: number; userId: number }>) {
  const marked: number[][] = [];
  return {
    marked,
    activities: {
      countTicketCaches: async () => ({ count: 1 }),
      listDueRefreshRows: async () => rows,
      listPendingNotificationRows: async () => [],
      markRefreshRowsProcessed: async ({ ids }: { ids: number[] }) => {
        marked.push(ids);
        return { marked: ids.length };
      },
      cleanupStaging: async () => ({ deleted: 0 }),
    },
  };
}

describe('the refresh-log queue', () => {
  it("hands a user's rows to the user's running refresh, which marks them once answered; refreshes the other users itself", async () => {
    // Per-user workflow ids are global: ids no other spec, the bench or the chaos campaign uses (500,000–599,999).
    const running = 500_000 + 2 * randomInt(50_000);
    const idle = running + 1;
    const fetches = new HeldCalls<UserRefreshInput, RefreshSummary>();
    const queue = queueStubs([
      { id: 5, userId: running },
      { id: 6, userId: running },
      { id: 9, userId: idle },
    ]);
    await env.withWorkers({ ...queue.activities, refreshUserTickets: fetches.activity }, async (taskQueue) => {
      // A rider's refresh of `running` is fetching.
      const rider = await askRefresh(
        env.client,
        { taskQueue, workflowId: refreshWorkflowId(running), userId: running },
        { mode: 'check', requestId: 'rider' },
      );
      const riderFetch = await fetches.started(1);
      const queueRun = env.client.workflow.execute(processRefreshLogQueueWorkflow, {
        taskQueue,
        workflowId: `queue-${randomUUID()}`,
        args: [{}],
      });
      const idleFetch = await fetches.started(2);
      expect(idleFetch.input).toMatchObject({ userId: idle, trigger: 'refresh-log-queue' });
      idleFetch.release(summary());
      expect(await queueRun).toMatchObject({ refreshRows: 3, usersRefreshed: 1, usersHandedOver: 1, usersDeferred: 0 });
      // The queue marked the rows of the user it refreshed; the handed rows wait for the rider's run.
      expect(queue.marked).toEqual([[9]]);
      riderFetch.release(summary());
      const again = await fetches.started(3);
      expect(again.input.userId).toBe(running);
      again.release(summary());
      await rider.result();
      expect(queue.marked).toEqual([[9], [5, 6]]);
    });
  });
});
