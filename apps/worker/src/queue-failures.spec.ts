import { QueryTypes } from 'sequelize';
import { processRefreshLogQueueWorkflow } from '@btc/workflows/workflows';
import { openHarness, startHttpRecorder, type Harness } from '@btc/worker-runtime/testing';

const FIRST = 11_001;
const POISONED = FIRST; // the push endpoint refuses this user's notification (HTTP 400): it can never succeed
const FLAKY = FIRST + 1; // the push endpoint is down for this user (HTTP 503): it may succeed later
let h: Harness;
let push: Awaited<ReturnType<typeof startHttpRecorder>>;
let slack: Awaited<ReturnType<typeof startHttpRecorder>>;

beforeAll(async () => {
  push = await startHttpRecorder((req) => {
    const [userId] = (req.body as { user_ids: number[] }).user_ids;
    if (userId === POISONED) return { status: 400, body: { error: 'bad request' } };
    if (userId === FLAKY) return { status: 503, body: { error: 'unavailable' } };
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

  it('a poisoned notification row is marked failed once, with its reason, and every other row is sent', async () => {
    const { refreshLog } = h.dependencies.deps;
    const poisoned = await refreshLog.insert({ userId: POISONED, activityType: 2, note: 'free:p' });
    const flaky = await refreshLog.insert({ userId: FLAKY, activityType: 2, note: 'free:f' });
    const fine = await refreshLog.insert({ userId: FIRST + 2, activityType: 2, note: 'free:ok' });
    const refresh = await refreshLog.insert({ userId: FIRST + 3, activityType: 1 });

    const runs = await h.withWorkers(async (taskQueue) => {
      const results = [];
      for (let run = 1; run <= 3; run++) {
        results.push(
          await h.client.workflow.execute(processRefreshLogQueueWorkflow, {
            taskQueue,
            workflowId: `${taskQueue}-queue-${run}`,
            args: [{ maxAttempts: 3 }],
          }),
        );
      }
      return results;
    });
    // Run 1: the poisoned row fails for good at once (a 400 answers the same next time); the others go on.
    expect(runs[0]).toMatchObject({ usersRefreshed: 1, notificationRows: 3, notificationsSent: 1, rowsFailed: 1 });
    // The flaky row is tried by each run and fails for good after the third.
    expect(runs[1]).toMatchObject({ notificationRows: 1, rowsFailed: 0 });
    expect(runs[2]).toMatchObject({ notificationRows: 1, rowsFailed: 1 });
    expect([await statusOf(poisoned), await statusOf(flaky), await statusOf(fine), await statusOf(refresh)]).toEqual([
      2, 2, 1, 1,
    ]);
    const failed = await refreshLog.listFailed({ limit: 10 });
    expect(failed.map((f) => [f.id, f.attempts])).toEqual(
      expect.arrayContaining([
        [poisoned, 3],
        [flaky, 3],
      ]),
    );
    expect(failed.find((f) => f.id === poisoned)?.reason).toMatch(
      /free-ticket push failed: NotificationError: .*HTTP 400/,
    );
    // One alert per row that failed for good.
    const alerts = slack.requests.map((r) => String((r.body as { text: string }).text));
    expect(alerts.filter((t) => t.includes(`row ${poisoned} `))).toHaveLength(1);
    expect(alerts.filter((t) => t.includes(`row ${flaky} `))).toHaveLength(1);
  });
});
