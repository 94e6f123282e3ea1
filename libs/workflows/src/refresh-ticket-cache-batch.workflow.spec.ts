import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { refreshTicketCacheBatchWorkflow } from './refresh-ticket-cache-batch.workflow';
import { summary } from './testing/refresh-stubs';
import { openWorkflowTestEnv, type WorkflowTestEnv } from './testing/stub-workers';
import type { BatchInput, RefreshSummary, UserRefreshInput } from './types';

let env: WorkflowTestEnv;
beforeAll(async () => {
  env = await openWorkflowTestEnv();
});
afterAll(() => env?.close());

function runBatch(taskQueue: string, input: Partial<BatchInput> & Pick<BatchInput, 'userIds'>) {
  return env.client.workflow.execute(refreshTicketCacheBatchWorkflow, {
    taskQueue,
    workflowId: `batch-${randomUUID()}`,
    args: [{ mode: 'if-stale', trigger: 'hourly', ...input }],
  });
}

describe('a batch of a sweep', () => {
  it('counts a user failing after its retries by type with its id, and refreshes the others', async () => {
    const attempts = new Map<number, number>();
    const refreshUserTickets = async ({ userId }: UserRefreshInput): Promise<RefreshSummary> => {
      attempts.set(userId, (attempts.get(userId) ?? 0) + 1);
      if (userId === 2 || userId === 4)
        throw ApplicationFailure.nonRetryable('no key decrypts it', 'TokenDecryptionError');
      if (userId === 5) {
        throw ApplicationFailure.create({
          message: 'refused',
          type: 'BytemarkForbiddenError',
          nonRetryable: true,
          details: [{ alert: true }],
        });
      }
      // A transient failure that a retry gets past is no failure of the user.
      if (userId === 3 && Context.current().info.attempt === 1)
        throw ApplicationFailure.retryable('503', 'BytemarkUnavailableError');
      if (userId === 6) return summary('failed-auth', { authBackoff: { failures: 2, retryAt: 0 } });
      return summary(userId === 1 ? 'updated' : 'unchanged');
    };
    await env.withWorkers({ refreshUserTickets }, async (taskQueue) => {
      const result = await runBatch(taskQueue, { userIds: [1, 2, 3, 4, 5, 6, 7] });
      expect(result).toEqual({
        users: 7,
        outcomes: { updated: 1, unchanged: 2, 'failed-auth': 1 },
        failed: 3,
        notReached: 0,
        authBackoff: { '2': 1 },
        authFailedUserIds: [6],
        failures: {
          total: 3,
          byType: {
            TokenDecryptionError: { count: 2, alert: false, userIds: expect.arrayContaining([2, 4]) },
            BytemarkForbiddenError: { count: 1, alert: true, userIds: [5] },
          },
        },
      });
      expect(attempts.get(3)).toBe(2);
      // Non-retryable failures are tried once.
      expect([attempts.get(2), attempts.get(4), attempts.get(5)]).toEqual([1, 1, 1]);
    });
  });

  it('refreshes at most maxInFlight users at once', async () => {
    await env.withWorkers({ refreshUserTickets: async () => summary() }, async (taskQueue) => {
      const workflowId = `batch-${randomUUID()}`;
      await env.client.workflow.execute(refreshTicketCacheBatchWorkflow, {
        taskQueue,
        workflowId,
        args: [{ userIds: [1, 2, 3, 4, 5, 6], mode: 'check', trigger: 'hourly', maxInFlight: 2 }],
      });
      // Read from the history: how many refreshes were open when each was scheduled.
      const events = (await env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
      let open = 0;
      const openWhenScheduled: number[] = [];
      for (const e of events) {
        if (e.activityTaskScheduledEventAttributes) openWhenScheduled.push(++open);
        if (e.activityTaskCompletedEventAttributes || e.activityTaskFailedEventAttributes) open -= 1;
      }
      expect(openWhenScheduled).toHaveLength(6);
      expect(Math.max(...openWhenScheduled)).toBe(2);
    });
  });

  it('past its start deadline, or with less than 5 s left in the window, starts no refresh: the users count as not reached', async () => {
    const called: number[] = [];
    const refreshUserTickets = async ({ userId }: UserRefreshInput) => {
      called.push(userId);
      return summary();
    };
    await env.withWorkers({ refreshUserTickets }, async (taskQueue) => {
      const late = await runBatch(taskQueue, { userIds: [1, 2, 3], startUsersUntilMs: Date.now() - 1000 });
      expect(late).toMatchObject({ users: 3, notReached: 3, failed: 0, outcomes: {} });
      const closing = await runBatch(taskQueue, { userIds: [4, 5], endByMs: Date.now() + 4000 });
      expect(closing).toMatchObject({ users: 2, notReached: 2, failed: 0, outcomes: {} });
      expect(called).toEqual([]);
    });
  });

  it("bounds every user's refresh to end within the window", async () => {
    const scheduleToCloseMs: number[] = [];
    const refreshUserTickets = async () => {
      scheduleToCloseMs.push(Context.current().info.scheduleToCloseTimeoutMs);
      return summary();
    };
    await env.withWorkers({ refreshUserTickets }, async (taskQueue) => {
      const endByMs = Date.now() + 10 * 60_000;
      await runBatch(taskQueue, { userIds: [1], endByMs });
      await runBatch(taskQueue, { userIds: [2] });
      const [inWindow, unbounded] = scheduleToCloseMs;
      expect(inWindow).toBeLessThanOrEqual(10 * 60_000);
      expect(inWindow).toBeGreaterThan(9 * 60_000);
      // Without a window: the refresh's own bound (30 minutes).
      expect(unbounded).toBe(30 * 60_000);
    });
  });

  it('refuses a maxInFlight that is not positive, as a non-retryable invalid input', async () => {
    await env.withWorkers({}, async (taskQueue) => {
      await expect(runBatch(taskQueue, { userIds: [1], maxInFlight: 0 })).rejects.toMatchObject({
        cause: { type: 'InvalidWorkflowInput', message: 'maxInFlight must be positive' },
      });
    });
  });
});
