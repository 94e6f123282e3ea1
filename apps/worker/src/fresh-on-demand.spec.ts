import { QueryTypes } from 'sequelize';
import { requestTicketRefresh } from '@btc/ticket-cache-client';
import { refreshWorkflowId } from '@btc/workflows';
import { openHarness, type Harness } from '@btc/worker-runtime/testing';

let h: Harness;

beforeAll(async () => {
  h = await openHarness({ users: 2, passesPerUser: 3, firstUserId: 9001 });
  await h.reset();
  await h.seedTokens();
});
afterAll(() => h?.close());

/** Runs `fn` while every simulator call takes `fixedMs`. */
async function withLatency(fixedMs: number, fn: () => Promise<void>): Promise<void> {
  await h.admin.setSettings({ latency: { fixedMs } });
  try {
    await fn();
  } finally {
    await h.admin.setSettings({ latency: { fixedMs: 0 } });
  }
}

/**
 * Waits until the user's next run (the one after its latest run now) has scheduled `n` fetches: each
 * request sent then arrives during fetch `n`.
 */
async function fetchCounter(userId: number): Promise<(n: number) => Promise<void>> {
  const earlierRun = (await h.client.workflow.getHandle(refreshWorkflowId(userId)).describe()).runId;
  const fetchesScheduled = async () => {
    const handle = h.client.workflow.getHandle(refreshWorkflowId(userId));
    if ((await handle.describe()).runId === earlierRun) return 0;
    return ((await handle.fetchHistory()).events ?? []).filter((e) => e.activityTaskScheduledEventAttributes).length;
  };
  return async (n) => {
    while ((await fetchesScheduled()) < n) await new Promise((r) => setTimeout(r, 50));
  };
}

describe('an on-demand refresh', () => {
  jest.setTimeout(120_000);

  it('requested right after a purchase, while a refresh is fetching, answers from a fetch that started after it', async () => {
    const userId = 9001;
    await h.withWorkers(async (taskQueue) => {
      await requestTicketRefresh(h.client, userId, { taskQueue, wait: true });
      const since = new Date().toISOString();
      // A refresh whose fetch is held in flight ...
      await h.admin.setFaults({ 'GET /passes': { latency: { fixedMs: 2000 }, times: 1, userId } });
      const first = requestTicketRefresh(h.client, userId, { taskQueue, wait: true });
      await new Promise((r) => setTimeout(r, 700));
      // ... then a purchase, then the app asks for a refresh.
      const bought = await h.admin.addPass(userId, { status: 'USABLE' });
      const second = await requestTicketRefresh(h.client, userId, { taskQueue, wait: true });
      const cache = await h.dependencies.deps.cache.findByUserId({ userId });
      expect(cache?.passes.map((p) => p.pass_uuid)).toContain(bought.uuid);
      // Both callers got the same run's answer: one run, which fetched once more after the second request.
      expect(await first).toEqual(second);
      const runs = await h.client.workflow.count(
        `WorkflowId = '${refreshWorkflowId(userId)}' AND StartTime >= '${since}'`,
      );
      expect(runs.count).toBe(1);
      const events = (await h.client.workflow.getHandle(refreshWorkflowId(userId)).fetchHistory()).events ?? [];
      const signals = events.filter((e) => e.workflowExecutionSignaledEventAttributes).map((e) => Number(e.eventId));
      const fetches = events
        .filter((e) => e.activityTaskScheduledEventAttributes)
        .map((e) => [e.activityTaskScheduledEventAttributes!.activityId, Number(e.eventId)] as const);
      expect(signals).toHaveLength(2);
      expect(fetches.map(([id]) => id)).toEqual(['refresh-1', 'refresh-2']);
      // The second fetch was scheduled after the second request arrived.
      expect(fetches[1]![1]).toBeGreaterThan(signals[1]!);
    });
  });

  it('answers a caller within a few fetches while another service keeps asking for the same user', async () => {
    const userId = 9002;
    await h.withWorkers(async (taskQueue) => {
      await requestTicketRefresh(h.client, userId, { taskQueue, wait: true });
      await withLatency(300, async () => {
        // Every 100 ms for at most 20 s, a request; each fetch takes over 600 ms.
        let asking = true;
        const deadline = setTimeout(() => (asking = false), 20_000);
        const others = (async () => {
          const answers: Array<Promise<unknown>> = [];
          while (asking) {
            answers.push(requestTicketRefresh(h.client, userId, { taskQueue, wait: true }));
            await new Promise((r) => setTimeout(r, 100));
          }
          return Promise.all(answers);
        })();
        await new Promise((r) => setTimeout(r, 1000));
        const answer = await requestTicketRefresh(h.client, userId, { taskQueue, wait: true });
        const answeredWhileOthersAsked = asking;
        asking = false;
        clearTimeout(deadline);
        expect(answer.outcome).toBe('unchanged');
        expect(answer).not.toHaveProperty('answeredRequests');
        expect(answeredWhileOthersAsked).toBe(true);
        expect((await others).length).toBeGreaterThan(5);
      });
    });
  });

  it('a request nobody waits for, arriving during the last fetch a run makes for waiting callers, still gets its fetch', async () => {
    const userId = 9001;
    await h.withWorkers(async (taskQueue) => {
      await requestTicketRefresh(h.client, userId, { taskQueue, wait: true });
      const untilFetches = await fetchCounter(userId);
      await withLatency(700, async () => {
        // Three waiting callers, each arriving during the previous fetch: the run's three fetches.
        const waiting = [requestTicketRefresh(h.client, userId, { taskQueue, wait: true })];
        await untilFetches(1);
        waiting.push(requestTicketRefresh(h.client, userId, { taskQueue, wait: true }));
        await untilFetches(2);
        waiting.push(requestTicketRefresh(h.client, userId, { taskQueue, wait: true }));
        await untilFetches(3);
        // During the third: a purchase, then a service that does not wait asks for a refresh.
        const bought = await h.admin.addPass(userId, { status: 'USABLE' });
        const handle = await requestTicketRefresh(h.client, userId, { taskQueue });
        await handle.result();
        await Promise.all(waiting);
        // A fourth fetch, scheduled after that request: the run did not end at three.
        const events = (await h.client.workflow.getHandle(refreshWorkflowId(userId)).fetchHistory()).events ?? [];
        const fetches = events.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => Number(e.eventId));
        const signals = events.filter((e) => e.workflowExecutionSignaledEventAttributes).map((e) => Number(e.eventId));
        expect(fetches).toHaveLength(4);
        expect(fetches[3]).toBeGreaterThan(signals.at(-1)!);
        const cache = await h.dependencies.deps.cache.findByUserId({ userId });
        expect(cache?.passes.map((p) => p.pass_uuid)).toContain(bought.uuid);
      });
    });
  });

  it('requests nobody waits for keep a run fetching six times at most; one during the sixth becomes a refresh-log row', async () => {
    const userId = 9002;
    await h.withWorkers(async (taskQueue) => {
      await requestTicketRefresh(h.client, userId, { taskQueue, wait: true });
      const untilFetches = await fetchCounter(userId);
      await withLatency(300, async () => {
        const waiter = requestTicketRefresh(h.client, userId, { taskQueue, wait: true });
        for (let n = 1; n <= 6; n++) {
          await untilFetches(n);
          await requestTicketRefresh(h.client, userId, { taskQueue });
        }
        expect((await waiter).outcome).toBe('unchanged');
        const events = (await h.client.workflow.getHandle(refreshWorkflowId(userId)).fetchHistory()).events ?? [];
        const activities = events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
        expect(activities).toEqual([...Array<string>(6).fill('refreshUserTickets'), 'queueUserRefresh']);
        const rows = await h.dependencies.sequelize.query<{ note: string }>(
          'SELECT note FROM bytemark_ticket_refresh_log WHERE user_id = ? AND activity_type = 1 AND status = 0',
          { replacements: [userId], type: QueryTypes.SELECT },
        );
        expect(rows).toEqual([{ note: expect.stringContaining('kept fetching') }]);
      });
    });
  });
});
