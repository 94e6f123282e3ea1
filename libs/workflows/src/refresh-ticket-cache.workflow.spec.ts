import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { AlertActivities } from './activity-contracts';
import { PRIORITY, onDemandAlertsWorkflowId } from './ids';
import { HeldCalls } from './testing/held-calls';
import { askRefresh, summary } from './testing/refresh-stubs';
import { openWorkflowTestEnv, type WorkflowTestEnv } from './testing/stub-workers';
import type { RefreshRequest } from './refresh-ticket-cache.workflow';
import type { RefreshSummary, UserRefreshInput } from './types';

let env: WorkflowTestEnv;
beforeAll(async () => {
  env = await openWorkflowTestEnv();
});
afterAll(() => env?.close());

const USER_ID = 42;

/** A per-user run of this test's own under stubs: `ask` sends a request, `fetches` holds each `refreshUserTickets`. */
function perUserRun(taskQueue: string) {
  const p = { taskQueue, workflowId: `refresh-${randomUUID()}`, userId: USER_ID };
  return {
    ask: (request: Partial<RefreshRequest> = {}, priorityKey?: number) =>
      askRefresh(
        env.client,
        { ...p, ...(priorityKey !== undefined ? { priorityKey } : {}) },
        { mode: 'check', ...request },
      ),
  };
}

function stubs() {
  const fetches = new HeldCalls<UserRefreshInput, RefreshSummary>();
  const handedToQueue: Array<{ userId: number }> = [];
  const marked: number[][] = [];
  return {
    fetches,
    handedToQueue,
    marked,
    activities: {
      refreshUserTickets: fetches.activity,
      queueUserRefresh: async (input: { userId: number }) => {
        handedToQueue.push(input);
        return { id: 1 };
      },
      markRefreshRowsProcessed: async ({ ids }: { ids: number[] }) => {
        marked.push(ids);
        return { marked: ids.length };
      },
    },
  };
}

describe('the per-user refresh run', () => {
  it('a burst of requests during a fetch shares one more fetch, which starts after them, and the run answers them all', async () => {
    const s = stubs();
    await env.withWorkers(s.activities, async (taskQueue) => {
      const run = perUserRun(taskQueue);
      const handle = await run.ask({ requestId: 'a' });
      const first = await s.fetches.started(1);
      await run.ask({ requestId: 'b' });
      await run.ask({ requestId: 'c' });
      first.release(summary('unchanged'));
      (await s.fetches.started(2)).release(summary('updated', { created: 1 }));
      const result = await handle.result();
      expect(result).toMatchObject({ outcome: 'updated', created: 1, answeredRequests: ['a', 'b', 'c'] });
      expect(s.fetches.calls.map((c) => c.info.activityId)).toEqual(['refresh-1', 'refresh-2']);
      // Each fetch is its own refresh (its own idempotency key), of the one user.
      const [one, two] = s.fetches.calls.map((c) => c.input);
      expect(one!.refreshId).not.toEqual(two!.refreshId);
      expect([one!.userId, two!.userId]).toEqual([USER_ID, USER_ID]);
    });
  });

  it('a run without requests during its fetch fetches once', async () => {
    const s = stubs();
    await env.withWorkers(s.activities, async (taskQueue) => {
      const handle = await perUserRun(taskQueue).ask({ requestId: 'a' });
      s.fetches.answerFrom(2, summary());
      (await s.fetches.started(1)).release(summary());
      expect(await handle.result()).toMatchObject({ outcome: 'unchanged', answeredRequests: ['a'] });
      expect(s.fetches.calls.length).toBe(1);
    });
  });

  it('fetches three times at most for waiting callers: one asking during the third is not answered (it asks again)', async () => {
    const s = stubs();
    await env.withWorkers(s.activities, async (taskQueue) => {
      const run = perUserRun(taskQueue);
      const handle = await run.ask({ requestId: 'a' });
      for (const [n, next] of [
        [1, 'b'],
        [2, 'c'],
        [3, 'd'],
      ] as const) {
        const fetch = await s.fetches.started(n);
        await run.ask({ requestId: next });
        if (n === 3) s.fetches.answerFrom(4, summary());
        fetch.release(summary());
      }
      expect((await handle.result()).answeredRequests).toEqual(['a', 'b', 'c']);
      expect(s.fetches.calls.length).toBe(3);
      expect(s.handedToQueue).toEqual([]);
    });
  });

  it('a request nobody waits for, during the third fetch, still gets a fourth, which answers a waiting caller too', async () => {
    const s = stubs();
    await env.withWorkers(s.activities, async (taskQueue) => {
      const run = perUserRun(taskQueue);
      const handle = await run.ask({ requestId: 'a' });
      for (const [n, next] of [
        [1, 'b'],
        [2, 'c'],
      ] as const) {
        const fetch = await s.fetches.started(n);
        await run.ask({ requestId: next });
        fetch.release(summary());
      }
      const third = await s.fetches.started(3);
      await run.ask({ requestId: 'd' });
      await run.ask({}); // fire and forget: nobody will ask again for it
      third.release(summary());
      (await s.fetches.started(4)).release(summary('updated'));
      expect(await handle.result()).toMatchObject({ outcome: 'updated', answeredRequests: ['a', 'b', 'c', 'd'] });
      expect(s.fetches.calls.length).toBe(4);
    });
  });

  it('requests nobody waits for keep a run fetching six times at most; one during the sixth is handed to the refresh-log queue', async () => {
    const s = stubs();
    await env.withWorkers(s.activities, async (taskQueue) => {
      const run = perUserRun(taskQueue);
      const handle = await run.ask({});
      for (let n = 1; n <= 6; n++) {
        const fetch = await s.fetches.started(n);
        await run.ask({});
        if (n === 6) s.fetches.answerFrom(7, summary());
        fetch.release(summary());
      }
      await handle.result();
      expect(s.fetches.calls.length).toBe(6);
      expect(s.handedToQueue).toEqual([{ userId: USER_ID }]);
    });
  });

  it('queue rows handed to a running run are marked processed once a fetch that started after them has ended, never before', async () => {
    const s = stubs();
    await env.withWorkers(s.activities, async (taskQueue) => {
      const run = perUserRun(taskQueue);
      const handle = await run.ask({ requestId: 'rider' });
      const first = await s.fetches.started(1);
      await run.ask({ queueRowIds: [7, 8] }, PRIORITY.queue);
      first.release(summary());
      const second = await s.fetches.started(2);
      expect(s.marked).toEqual([]);
      second.release(summary());
      await handle.result();
      expect(s.marked).toEqual([[7, 8]]);
    });
  });

  it('queue rows handed over during the last fetch stay pending for the next queue run', async () => {
    const s = stubs();
    await env.withWorkers(s.activities, async (taskQueue) => {
      const run = perUserRun(taskQueue);
      const handle = await run.ask({ requestId: 'a' });
      const first = await s.fetches.started(1);
      await run.ask({ queueRowIds: [1] });
      first.release(summary());
      const second = await s.fetches.started(2);
      await run.ask({ requestId: 'b' });
      second.release(summary());
      const third = await s.fetches.started(3);
      await run.ask({ queueRowIds: [2, 3] });
      s.fetches.answerFrom(4, summary());
      third.release(summary());
      await handle.result();
      expect(s.fetches.calls.length).toBe(3);
      expect(s.marked).toEqual([[1]]);
    });
  });

  it('the next fetch runs in the strongest mode and at the highest priority asked for during the last one', async () => {
    const s = stubs();
    await env.withWorkers(s.activities, async (taskQueue) => {
      const run = perUserRun(taskQueue);
      const handle = await run.ask({ mode: 'if-stale', requestId: 'queue' }, PRIORITY.queue);
      const first = await s.fetches.started(1);
      await run.ask({ mode: 'build', requestId: 'rider', priorityKey: PRIORITY.rider });
      await run.ask({ mode: 'check', requestId: 'another' });
      first.release(summary('fresh-skipped'));
      (await s.fetches.started(2)).release(summary('built'));
      await handle.result();
      const [one, two] = s.fetches.calls;
      expect([one!.input.mode, one!.info.priority?.priorityKey]).toEqual(['if-stale', PRIORITY.queue]);
      expect([two!.input.mode, two!.info.priority?.priorityKey]).toEqual(['build', PRIORITY.rider]);
    });
  });

  it("a failed refresh fails the run with its own failure, and reports it to the alerts workflow of the run's queue", async () => {
    const reported: Array<Parameters<AlertActivities['reportRefreshFailure']>[0]> = [];
    const activities = {
      refreshUserTickets: async () => {
        throw ApplicationFailure.create({
          message: '403',
          type: 'BytemarkForbiddenError',
          nonRetryable: true,
          details: [{ alert: true }],
        });
      },
      reportRefreshFailure: async (input: (typeof reported)[number]) => {
        reported.push(input);
      },
    };
    await env.withWorkers(activities, async (taskQueue) => {
      const handle = await perUserRun(taskQueue).ask({ requestId: 'a' });
      await expect(handle.result()).rejects.toMatchObject({ cause: { cause: { type: 'BytemarkForbiddenError' } } });
      expect(reported).toEqual([
        {
          failure: { userId: USER_ID, type: 'BytemarkForbiddenError', alert: true },
          alertsWorkflowId: onDemandAlertsWorkflowId(taskQueue),
          taskQueue,
        },
      ]);
    });
  });

  it('a failure report that cannot be delivered (the alerts workflow refusing signals) never fails the run for its sake', async () => {
    let reports = 0;
    const activities = {
      refreshUserTickets: async () => {
        throw ApplicationFailure.nonRetryable('Bytemark is down', 'BytemarkUnavailableError');
      },
      reportRefreshFailure: async () => {
        reports += 1;
        throw ApplicationFailure.nonRetryable('signal count exceeds the limit', 'ResourceExhausted');
      },
    };
    await env.withWorkers(activities, async (taskQueue) => {
      const handle = await perUserRun(taskQueue).ask({ requestId: 'a' });
      await expect(handle.result()).rejects.toMatchObject({ cause: { cause: { type: 'BytemarkUnavailableError' } } });
      expect(reports).toBe(1);
    });
  });
});
