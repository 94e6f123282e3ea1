import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { refreshAllTicketCachesWorkflow } from './refresh-all-ticket-caches.workflow';
import { emptySweepProgress } from './sweep-progress';
import { HeldCalls } from './testing/held-calls';
import { summary } from './testing/refresh-stubs';
import { openWorkflowTestEnv, type WorkflowTestEnv } from './testing/stub-workers';
import { dueUsers } from './testing/sweep-stubs';
import type { RefreshSummary, SweepInput, UserRefreshInput } from './types';

let env: WorkflowTestEnv;
beforeAll(async () => {
  env = await openWorkflowTestEnv();
});
afterAll(() => env?.close());

const USERS = [11, 12, 13, 14, 15, 16, 17, 18, 19];

function startSweep(taskQueue: string, input: SweepInput) {
  return env.client.workflow.start(refreshAllTicketCachesWorkflow, {
    taskQueue,
    workflowId: `sweep-${randomUUID()}`,
    args: [input],
  });
}

function slack() {
  const posted: string[] = [];
  return {
    posted,
    notifySlack: async ({ text }: { text: string }) => {
      posted.push(text);
      return { posted: true };
    },
  };
}

describe('the sweep', () => {
  it('pages through every due user once, oldest first, continuing as new every usersPerRun, and records itself once', async () => {
    const sweep = dueUsers(USERS);
    const refreshed: number[] = [];
    const refreshUserTickets = async ({ userId }: UserRefreshInput) => {
      refreshed.push(userId);
      return summary();
    };
    const { notifySlack, posted } = slack();
    await env.withWorkers({ ...sweep.activities, refreshUserTickets, notifySlack }, async (taskQueue) => {
      const handle = await startSweep(taskQueue, { batchSize: 2, usersPerRun: 4 });
      const progress = await handle.result(); // follows the runs
      expect(progress).toMatchObject({
        usersSeen: 12,
        due: 9,
        skippedFresh: 3,
        refreshed: { unchanged: 9 },
        failed: 0,
        inFlight: 0,
        batches: 5,
        runs: 3,
        stoppedBy: 'done',
      });
      expect(refreshed.sort((a, b) => a - b)).toEqual(USERS);
      // One start, pages resumed after the last user of the previous one across the runs, one record.
      expect(sweep.calls.begin).toHaveLength(1);
      expect(sweep.calls.pages.map((p) => p.cursor?.userId ?? null)).toEqual([null, 12, 14, 16, 18]);
      expect(new Set(sweep.calls.pages.map((p) => p.dueBefore))).toEqual(new Set([sweep.calls.begin[0]!.dueBefore]));
      expect(sweep.calls.finish).toHaveLength(1);
      expect(sweep.calls.finish[0]).toMatchObject({
        sweepId: `${handle.workflowId}/${handle.firstExecutionRunId}`,
        progress: { refreshed: { unchanged: 9 }, runs: 3 },
      });
      const runs = await env.client.workflow.count(`WorkflowId = '${handle.workflowId}'`);
      expect(runs.count).toBe(3);
      expect(posted).toEqual([]);
    });
  });

  it('resumed past its start window lists no page and ends, reporting the users left over and the rate that would cover them', async () => {
    const sweep = dueUsers(USERS, { leftOver: 9, neededRateLimitRps: 120 });
    const { notifySlack, posted } = slack();
    await env.withWorkers({ ...sweep.activities, notifySlack }, async (taskQueue) => {
      const startedAtMs = Date.now() - 46 * 60_000;
      const handle = await startSweep(taskQueue, { progress: emptySweepProgress(startedAtMs) });
      const progress = await handle.result();
      expect(progress).toMatchObject({
        stoppedBy: 'deadline',
        refreshed: {},
        batches: 0,
        leftOver: 9,
        neededRateLimitRps: 120,
      });
      expect(sweep.calls.pages).toEqual([]);
      expect(sweep.calls.finish).toMatchObject([
        { startUsersForSeconds: 45 * 60, dueBefore: Math.floor(startedAtMs / 1000) },
      ]);
      expect(posted).toHaveLength(1);
      expect(posted[0]).toMatch(/Over capacity: 0 refreshed, 0 not reached, 9 still due .* about 120 calls\/s would/);
    });
  });

  it("bounds every user's refresh by the sweep's window", async () => {
    const sweep = dueUsers([11]);
    const scheduleToCloseMs: number[] = [];
    const refreshUserTickets = async () => {
      scheduleToCloseMs.push(Context.current().info.scheduleToCloseTimeoutMs);
      return summary();
    };
    await env.withWorkers({ ...sweep.activities, refreshUserTickets }, async (taskQueue) => {
      await (await startSweep(taskQueue, { startUsersForMinutes: 10, windowMinutes: 20 })).result();
      expect(scheduleToCloseMs).toHaveLength(1);
      expect(scheduleToCloseMs[0]).toBeLessThanOrEqual(20 * 60_000);
      expect(scheduleToCloseMs[0]).toBeGreaterThan(19 * 60_000);
    });
  });

  it("an operator's pause ends the sweep at once: no page listed, nobody refreshed, the sweep recorded as paused", async () => {
    const sweep = dueUsers(USERS, { start: { paused: { reason: 'Bytemark maintenance' } } });
    const refreshed: number[] = [];
    const refreshUserTickets = async ({ userId }: UserRefreshInput) => {
      refreshed.push(userId);
      return summary();
    };
    const { notifySlack, posted } = slack();
    await env.withWorkers({ ...sweep.activities, refreshUserTickets, notifySlack }, async (taskQueue) => {
      const progress = await (await startSweep(taskQueue, {})).result();
      expect(progress).toMatchObject({ stoppedBy: 'paused', due: 9 });
      expect(sweep.calls.pages).toEqual([]);
      expect(refreshed).toEqual([]);
      expect(sweep.calls.finish).toMatchObject([{ progress: { stoppedBy: 'paused' } }]);
      expect(posted).toEqual([]);
    });
  });

  it('counts failed users without failing, and alerts once when alertOnFailures users failed', async () => {
    const failing = new Set([12, 13, 15, 17, 19]);
    const refreshUserTickets = async ({ userId }: UserRefreshInput) => {
      if (failing.has(userId)) throw ApplicationFailure.nonRetryable('503 after retries', 'BytemarkUnavailableError');
      return summary();
    };
    const { notifySlack, posted } = slack();
    const sweep = dueUsers(USERS);
    await env.withWorkers({ ...sweep.activities, refreshUserTickets, notifySlack }, async (taskQueue) => {
      const progress = await (await startSweep(taskQueue, { alertOnFailures: 5 })).result();
      expect(progress).toMatchObject({ stoppedBy: 'done', failed: 5, refreshed: { unchanged: 4 } });
      expect(progress.failedUserIds.sort((a, b) => a - b)).toEqual([...failing]);
      expect(progress.failures.byType['BytemarkUnavailableError']).toMatchObject({ count: 5, alert: false });
      expect(posted).toHaveLength(1);
      expect(posted[0]).toMatch(/9 due\. 5 failed after their retries: BytemarkUnavailableError: 5 \(users /);
      // One failure fewer than the threshold: no message.
      const quiet = await (await startSweep(taskQueue, { alertOnFailures: 6 })).result();
      expect(quiet.failed).toBe(5);
      expect(posted).toHaveLength(1);
    });
  });

  it('a batch that fails itself counts its users failed, and the sweep goes on with the others', async () => {
    const fetches = new HeldCalls<UserRefreshInput, RefreshSummary>();
    const sweep = dueUsers([11, 12, 13, 14]);
    const { notifySlack, posted } = slack();
    await env.withWorkers(
      { ...sweep.activities, refreshUserTickets: fetches.activity, notifySlack },
      async (taskQueue) => {
        const handle = await startSweep(taskQueue, { batchSize: 2 });
        await fetches.started(4);
        const ofUser = (userId: number) => fetches.calls.find((c) => c.input.userId === userId)!;
        // An operator terminates the first batch while its users refresh.
        await env.client.workflow.getHandle(ofUser(11).info.workflowExecution!.workflowId).terminate('operator');
        ofUser(13).release(summary());
        ofUser(14).release(summary('updated'));
        const progress = await handle.result();
        expect(progress).toMatchObject({
          stoppedBy: 'done',
          batches: 2,
          failed: 2,
          inFlight: 0,
          refreshed: { unchanged: 1, updated: 1 },
          failures: { total: 2, byType: { TerminatedFailure: { count: 2, alert: true, userIds: [11] } } },
        });
        expect(posted).toHaveLength(1);
        expect(posted[0]).toMatch(/2 failed after their retries: TerminatedFailure: 2/);
      },
    );
  });
});
