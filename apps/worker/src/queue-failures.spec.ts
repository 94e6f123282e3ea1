import { MongoNetworkError } from 'mongodb';
import { QueryTypes } from 'sequelize';
import { PushNotifier } from '@btc/activities';
import type { NotificationLedgerRepository } from '@btc/data';
import type { RefreshQueueResult } from '@btc/workflows';
import { processRefreshLogQueueWorkflow } from '@btc/workflows/workflows';
import { openHarness, startHttpRecorder, type Harness } from '@btc/worker-runtime/testing';

const FIRST = 11_001;
const POISONED = FIRST; // the push endpoint refuses this user's notification (HTTP 400): it can never succeed
const FLAKY = FIRST + 1; // the push endpoint is down for this user (HTTP 503) until `recovered`: it may succeed later
const SLOW = FIRST + 10; // the push endpoint answers this user's push after 1 s, later than the notifier waits
const DOWN = FIRST + 11; // the push endpoint is down for this user (HTTP 503) while `outage`
const UNLEDGERED = FIRST + 12; // the ledger (MongoDB) cannot be reached for this user's push while `outage`
let recovered = false;
let outage = true;
let h: Harness;
let push: Awaited<ReturnType<typeof startHttpRecorder>>;
let slack: Awaited<ReturnType<typeof startHttpRecorder>>;

beforeAll(async () => {
  push = await startHttpRecorder(async (req) => {
    const [userId] = (req.body as { user_ids: number[] }).user_ids;
    if (userId === SLOW) await new Promise((r) => setTimeout(r, 1000));
    if (userId === DOWN && outage) return { status: 503, body: { error: 'unavailable' } };
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

const runQueue = (taskQueue: string, run: number) =>
  h.client.workflow.execute(processRefreshLogQueueWorkflow, {
    taskQueue,
    workflowId: `${taskQueue}-queue-${run}`,
    args: [{}],
  });

/** The next queue run comes after the rows' back-off (five minutes and more in production). */
const backOffPasses = (ids: number[]) =>
  h.dependencies.sequelize.query(
    'UPDATE bytemark_refresh_log_failures SET next_attempt_at = UTC_TIMESTAMP() - INTERVAL 1 SECOND WHERE row_id IN (?)',
    { replacements: [ids] },
  );

/** The row's transient failures and how far ahead its next attempt is (seconds), from the failures table. */
const backOffOf = async (id: number) => {
  const [row] = await h.dependencies.sequelize.query<{ transient_failures: number; ahead: number | null }>(
    `SELECT transient_failures, TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), next_attempt_at) AS ahead
       FROM bytemark_refresh_log_failures WHERE row_id = ?`,
    { replacements: [id], type: QueryTypes.SELECT },
  );
  return {
    failures: Number(row?.transient_failures ?? 0),
    aheadSeconds: row?.ahead == null ? null : Number(row.ahead),
  };
};

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
  it('a push endpoint slower than the notifier waits gets the push twice at most, with one Idempotency-Key, and the row ends done', async () => {
    const { deps } = h.dependencies;
    const row = await deps.refreshLog.insert({ userId: SLOW, activityType: 2, note: 'free:slow' });
    const notifier = deps.push;
    // The notifier gives up after 500 ms (10 s in production); the endpoint answers after 1 s.
    deps.push = new PushNotifier(`${push.url}/push`, 500);
    const runs: RefreshQueueResult[] = [];
    const statuses: number[] = [];
    try {
      await h.withWorkers(async (taskQueue) => {
        for (let run = 1; run <= 4; run++) {
          runs.push(await runQueue(taskQueue, 100 + run));
          statuses.push(await statusOf(row));
          await backOffPasses([row]);
        }
      });
    } finally {
      deps.push = notifier;
    }
    const sends = push.requests.filter((r) => (r.body as { user_ids: number[] }).user_ids[0] === SLOW);
    console.log(
      `slow endpoint: ${sends.length} sends over ${runs.length} queue runs; row status after each run ${JSON.stringify(statuses)}; ` +
        `runs ${JSON.stringify(runs.map((r) => ({ rows: r.notificationRows, sent: r.notificationsSent, deferred: r.notificationsDeferred })))}`,
    );
    // Run 1 sends and gets no answer; run 2 resends once (same key); run 3 counts it delivered without a send.
    expect(sends).toHaveLength(2);
    expect(new Set(sends.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    expect(sends[0]?.headers['idempotency-key']).toBe(`free-ticket:${SLOW}:${row}`);
    expect(statuses).toEqual([0, 0, 1, 1]);
    expect(runs.map((r) => r.rowsFailed)).toEqual([0, 0, 0, 0]);
    expect(await deps.ledger.find({ key: `free-ticket:${SLOW}:${row}` })).toEqual({ state: 'sent' });
  });

  it('a push endpoint or ledger outage backs the rows off, doubling from 5 minutes, and never fails them; they are sent when it ends', async () => {
    const { deps } = h.dependencies;
    const down = await deps.refreshLog.insert({ userId: DOWN, activityType: 2, note: 'free:down' });
    const unledgered = await deps.refreshLog.insert({ userId: UNLEDGERED, activityType: 2, note: 'free:ledger' });
    const ledger = deps.ledger;
    const failing = Object.create(ledger) as NotificationLedgerRepository;
    failing.find = async (p) => {
      if (outage && p.key.startsWith(`free-ticket:${UNLEDGERED}:`)) throw new MongoNetworkError('connect ECONNREFUSED');
      return ledger.find(p);
    };
    deps.ledger = failing;
    const backOffs: Array<Array<{ failures: number; aheadSeconds: number | null }>> = [];
    const statuses: number[][] = [];
    let last;
    try {
      last = await h.withWorkers(async (taskQueue) => {
        // Four runs during the outage, each after the rows' back-off has passed: more failures than 15 minutes bring.
        for (let run = 1; run <= 4; run++) {
          await runQueue(taskQueue, 200 + run);
          backOffs.push([await backOffOf(down), await backOffOf(unledgered)]);
          statuses.push([await statusOf(down), await statusOf(unledgered)]);
          await backOffPasses([down, unledgered]);
        }
        outage = false;
        return runQueue(taskQueue, 205);
      });
    } finally {
      deps.ledger = ledger;
    }
    console.log(`outage: back-offs after each run ${JSON.stringify(backOffs)}; statuses ${JSON.stringify(statuses)}`);
    for (const [i, pair] of backOffs.entries()) {
      for (const b of pair) {
        expect(b.failures).toBe(i + 1);
        // 5, 10, 20, 40 minutes (less the seconds the run took).
        expect(b.aheadSeconds).toBeGreaterThan(300 * 2 ** i - 30);
        expect(b.aheadSeconds).toBeLessThanOrEqual(300 * 2 ** i);
      }
    }
    expect(statuses).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    expect(last).toMatchObject({ notificationRows: 2, notificationsSent: 2, rowsFailed: 0 });
    expect([await statusOf(down), await statusOf(unledgered)]).toEqual([1, 1]);
  });
});
