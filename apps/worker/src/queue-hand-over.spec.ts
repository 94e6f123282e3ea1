import { QueryTypes } from 'sequelize';
import { requestTicketRefresh } from '@btc/ticket-cache-client';
import { refreshWorkflowId } from '@btc/workflows';
import { processRefreshLogQueueWorkflow } from '@btc/workflows/workflows';
import { openHarness, type Harness } from '@btc/worker-runtime/testing';

const FIRST = 470_001;
/** Another service asks for this user's refresh every 100 ms: its per-user run is (almost) always open. */
const BUSY = FIRST;
const NOW_USERS = [FIRST + 1, FIRST + 2, FIRST + 3]; // each with a type-1 row (refresh now)
const SCHEDULED_USERS = [FIRST + 4, FIRST + 5, FIRST + 6]; // each with a due type-3 row (scheduled refresh)
/** More of the busy user's rows, all older than anyone else's, than the old queue read per run (1,000). */
const BUSY_ROWS = 1_100;
/** Rows of one user a queue run takes at most (`listDueRefreshRows`' default); the rest wait for the next. */
const ROWS_PER_USER = 500;
/** Queue runs at most: enough for the busy user's 1,100 rows, and for rows handed to a run's last fetch (left pending). */
const QUEUE_RUNS = 6;
let h: Harness;

beforeAll(async () => {
  h = await openHarness({ users: 7, passesPerUser: 1, firstUserId: FIRST });
  await h.reset();
  await h.seedTokens();
});
afterAll(() => h?.close());

const rowsOf = (userId: number) =>
  h.dependencies.sequelize.query<{ id: number; activity_type: number; status: number; note: string | null }>(
    'SELECT id, activity_type, status, note FROM bytemark_ticket_refresh_log WHERE user_id = ? ORDER BY id',
    { replacements: [userId], type: QueryTypes.SELECT },
  );

const seededPending = async () => (await rowsOf(BUSY)).filter((r) => r.note === 'seeded' && r.status === 0).length;

describe('the refresh-log queue beside a user whose refresh never stops', () => {
  jest.setTimeout(120_000);

  it("does not starve other users' type-1 and type-3 rows, hands the busy user's rows to its running refresh, and keeps one pending type-1 row for it", async () => {
    const { sequelize, deps } = h.dependencies;
    // The dev server keeps the busy user's runs of earlier test runs (same workflow id): count only this one's.
    const started = new Date(Date.now() - 1000).toISOString();
    // The busy user's rows first (oldest ids), in one statement.
    await sequelize.query(
      `INSERT INTO bytemark_ticket_refresh_log (user_id, activity_type, status, note)
       SELECT ?, 1, 0, 'seeded' FROM seq_1_to_${BUSY_ROWS}`,
      { replacements: [BUSY] },
    );
    const otherRows = new Map<number, number>();
    for (const userId of NOW_USERS) otherRows.set(userId, await deps.refreshLog.insert({ userId, activityType: 1 }));
    for (const userId of SCHEDULED_USERS)
      otherRows.set(
        userId,
        await deps.refreshLog.insert({ userId, activityType: 3, scheduledOn: new Date(Date.now() - 60_000) }),
      );

    const { runs, requests } = await h.withWorkers(async (taskQueue) => {
      let asking = true;
      let requests = 0;
      const asker = (async () => {
        while (asking) {
          await requestTicketRefresh(h.client, BUSY, { taskQueue });
          requests += 1;
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      try {
        await new Promise((r) => setTimeout(r, 1000)); // the busy user's run is open
        const runs = [];
        for (let run = 1; run <= QUEUE_RUNS && (await seededPending()) > 0; run++) {
          runs.push(
            await h.client.workflow.execute(processRefreshLogQueueWorkflow, {
              taskQueue,
              workflowId: `${taskQueue}-queue-${run}`,
              args: [{}],
            }),
          );
          // Time for the busy user's run to answer what it was handed, and to hand requests off to the queue.
          await new Promise((r) => setTimeout(r, 2000));
        }
        return { runs, requests };
      } finally {
        asking = false;
        await asker;
      }
    });
    // The last run of the busy user ends on its own, marking what it answered.
    const busyRuns = async () => {
      const found = [];
      for await (const wf of h.client.workflow.list({
        query: `WorkflowId = '${refreshWorkflowId(BUSY)}' AND StartTime >= '${started}'`,
      }))
        found.push(wf);
      return found;
    };
    for (let i = 0; i < 50 && (await busyRuns()).some((wf) => wf.status.name === 'RUNNING'); i++)
      await new Promise((r) => setTimeout(r, 200));
    // Hand-offs: runs that reached their last fetch with requests still arriving asked the queue for one more refresh.
    let handOffs = 0;
    for (const wf of await busyRuns()) {
      const { events } = await h.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
      handOffs += (events ?? []).filter(
        (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'queueUserRefresh',
      ).length;
    }

    const busy = await rowsOf(BUSY);
    const seeded = busy.filter((r) => r.note === 'seeded');
    const added = busy.filter((r) => r.note !== 'seeded');
    console.log(
      `${requests} requests for the busy user, ${handOffs} hand-offs to the queue; queue runs ` +
        `${JSON.stringify(runs.map(({ refreshRows, usersRefreshed, usersHandedOver, usersDeferred }) => ({ refreshRows, usersRefreshed, usersHandedOver, usersDeferred })))}; ` +
        `its ${seeded.length} seeded rows by status ${JSON.stringify(countBy(seeded.map((r) => r.status)))}; ` +
        `rows its hand-offs added: ${JSON.stringify(added.map(({ id, status }) => ({ id, status })))}`,
    );

    // Run 1 read the users by their oldest row, at most 500 rows each: all six others were refreshed,
    // and the busy user's rows were handed to its running refresh instead of being deferred.
    expect(runs[0]).toMatchObject({ refreshRows: ROWS_PER_USER + 6, usersRefreshed: 6, usersDeferred: 0 });
    expect(runs[0]?.usersHandedOver).toBe(1);
    for (const [userId, id] of otherRows) {
      const [row] = (await rowsOf(userId)).filter((r) => r.id === id);
      expect({ userId, status: row?.status }).toEqual({ userId, status: 1 });
    }
    // No run deferred the busy user; with its refresh running or not, every seeded row ended processed.
    for (const run of runs) expect(run.usersDeferred).toBe(0);
    expect(seeded.filter((r) => r.status !== 1)).toEqual([]);
    // Its hand-offs kept one pending type-1 row at most: each found the pending one, or added one.
    expect(handOffs).toBeGreaterThan(added.length);
    expect(added.filter((r) => r.status === 0).length).toBeLessThanOrEqual(1);
    expect(added.every((r) => r.activity_type === 1)).toBe(true);
  });
});

function countBy(values: number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[String(v)] = (out[String(v)] ?? 0) + 1;
  return out;
}
