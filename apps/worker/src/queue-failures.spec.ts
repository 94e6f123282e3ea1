import { QueryTypes } from 'sequelize';
import { processRefreshLogQueueWorkflow } from '@btc/workflows/workflows';
import { openHarness, startHttpRecorder, type Harness } from '@btc/worker-runtime/testing';

const FIRST = 11_001;
const POISONED = FIRST; // the push endpoint refuses this user's notification (HTTP 400): it can never succeed
const FLAKY = FIRST + 1; // the push endpoint is down for this user (HTTP 503) until `recovered`: it may succeed later
let recovered = false;
let h: Harness;
let push: Awaited<ReturnType<typeof startHttpRecorder>>;
let slack: Awaited<ReturnType<typeof startHttpRecorder>>;

beforeAll(async () => {
  push = await startHttpRecorder((req) => {
    const [userId] = (req.body as { user_ids: number[] }).user_ids;
    if (userId === POISONED) return { status: 400, body: { error: 'bad request' } };
    if (userId === FLAKY && !recovered) return { status: 503, body: { error: 'unavailable' } };
    return { status: 200, body: { ok: true } };
  });
  slack = await startHttpRecorder();
  h = await openHarness({
    users: 4,
    passesPerUser: 1,
    firstUserId: FIRST,
    notificationUrl: `${push.url}/push`,
    slack: { botToken: 'xoxb-test', channelId: 'C1', apiUrl: slack.url },
  });
  await h.reset();
  await h.seedTokens();
});
afterAll(async () => {
  await h?.close();
  await push?.close();
  await slack?.close();
});

const statusOf = async (id: number) => {
  const [row] = await h.dependencies.sequelize.query<{ status: number }>(
    'SELECT status FROM bytemark_ticket_refresh_log WHERE id = ?',
    { replacements: [id], type: QueryTypes.SELECT },
  );
  return Number(row?.status);
};

describe('the refresh-log queue never blocks', () => {
  jest.setTimeout(180_000);

  it('a poisoned notification row is marked failed once, with its reason; an outage backs a row off instead of failing it; every other row is sent', async () => {
    const { refreshLog } = h.dependencies.deps;
    const poisoned = await refreshLog.insert({ userId: POISONED, activityType: 2, note: 'free:p' });
    const flaky = await refreshLog.insert({ userId: FLAKY, activityType: 2, note: 'free:f' });
    const fine = await refreshLog.insert({ userId: FIRST + 2, activityType: 2, note: 'free:ok' });
    const refresh = await refreshLog.insert({ userId: FIRST + 3, activityType: 1 });

    const runQueue = (taskQueue: string, run: number) =>
      h.client.workflow.execute(processRefreshLogQueueWorkflow, {
        taskQueue,
        workflowId: `${taskQueue}-queue-${run}`,
        args: [{}],
      });
    const runs = await h.withWorkers(async (taskQueue) => {
      const results = [];
      for (let run = 1; run <= 3; run++) results.push(await runQueue(taskQueue, run));
      // The endpoint recovers and the row's back-off has passed: the next run sends it.
      recovered = true;
      await h.dependencies.sequelize.query(
        'UPDATE bytemark_refresh_log_failures SET next_attempt_at = UTC_TIMESTAMP() - INTERVAL 1 SECOND WHERE row_id = ?',
        { replacements: [flaky] },
      );
      results.push(await runQueue(taskQueue, 4));
      return results;
    });
    // Run 1: the poisoned row fails for good at once (a 400 answers the same next time); the flaky one
    // backs off; the others go on.
    expect(runs[0]).toMatchObject({ usersRefreshed: 1, notificationRows: 3, notificationsSent: 1, rowsFailed: 1 });
    // Runs 2 and 3, five minutes apart in production, find the flaky row still waiting out its back-off:
    // a 10-15 minute outage costs it nothing.
    expect(runs[1]).toMatchObject({ notificationRows: 0, rowsFailed: 0 });
    expect(runs[2]).toMatchObject({ notificationRows: 0, rowsFailed: 0 });
    expect(runs[3]).toMatchObject({ notificationRows: 1, notificationsSent: 1, rowsFailed: 0 });
    expect([await statusOf(poisoned), await statusOf(flaky), await statusOf(fine), await statusOf(refresh)]).toEqual([
      2, 1, 1, 1,
    ]);
    const failed = await refreshLog.listFailed({ limit: 10 });
    expect(failed.map((f) => f.id)).toEqual([poisoned]);
    expect(failed[0]?.reason).toMatch(/free-ticket push failed: NotificationError: .*HTTP 400/);
    // One alert, for the row that failed for good.
    const alerts = slack.requests.map((r) => String((r.body as { text: string }).text));
    expect(alerts.filter((t) => t.includes(`row ${poisoned} `))).toHaveLength(1);
    expect(alerts.filter((t) => t.includes(`row ${flaky} `))).toHaveLength(0);
  });
});
