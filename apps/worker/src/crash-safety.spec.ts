import { QueryTypes } from 'sequelize';
import { temporal } from '@temporalio/proto';
import { FREE_PRODUCT_UUIDS, PRODUCTS } from '@btc/bytemark-simulator';
import { requestTicketRefresh, type RefreshHandle } from '@btc/ticket-cache-client';
import type { BatchResult } from '@btc/workflows';
import { refreshTicketCacheBatchWorkflow } from '@btc/workflows/workflows';
import { openHarness, startWorkerProcess, uniqueTaskQueue, type Harness } from '@btc/worker-runtime/testing';

let h: Harness;

beforeAll(async () => {
  h = await openHarness({ users: 6, passesPerUser: 6, firstUserId: 2001 });
  await h.reset();
  await h.seedTokens();
});
afterAll(() => h?.close());

/** Changes that make the next refresh write: one new pass, one changed pass, two free tickets. */
async function prepareChanges(userId: number): Promise<number> {
  const [first] = await h.admin.passes(userId);
  await h.admin.modifyPass(userId, first!.uuid, { label_name: 'modified before crash' });
  const paid = PRODUCTS.find((p) => !(FREE_PRODUCT_UUIDS as readonly string[]).includes(p.uuid))!;
  await h.admin.addPass(userId, { status: 'USABLE', productUuid: paid.uuid });
  await h.admin.grantFreeTickets(userId, 2);
  return 4; // audit entries the refresh must write: 3 creates + 1 update
}

async function buildFirst(userId: number): Promise<void> {
  await h.withWorkers((tq) => requestTicketRefresh(h.client, userId, { taskQueue: tq, wait: true }));
}

async function auditIds(userId: number): Promise<string[]> {
  return (await h.dependencies.deps.logs.findByUserId({ userId, limit: 10_000 })).map((e) => e._id);
}

async function freeTicketRows(userId: number): Promise<number> {
  const [row] = await h.dependencies.sequelize.query<{ n: number }>(
    'SELECT COUNT(*) AS n FROM bytemark_ticket_refresh_log WHERE user_id = ? AND activity_type = 2',
    { replacements: [userId], type: QueryTypes.SELECT },
  );
  return Number(row?.n);
}

/**
 * Builds the user's cache, prepares changes, lets `crash` start the refresh on a worker that dies
 * and return that run's handle, then lets a surviving worker finish that same run (a new
 * request would make a fresh fetch instead) and checks the changes were applied, logged and queued
 * exactly once.
 */
async function runWithCrash<T>(
  userId: number,
  crash: (taskQueue: string) => Promise<{ result(): Promise<T> }>,
  expectFinished: (result: T) => void = (summary) =>
    expect(summary).toMatchObject({ outcome: 'updated', created: 3, updated: 1, newFreeTickets: 2 }),
) {
  await buildFirst(userId);
  const auditsBefore = await auditIds(userId);
  const expectedNew = await prepareChanges(userId);
  const taskQueue = uniqueTaskQueue('crash');
  const run = await crash(taskQueue);
  const survivor = startWorkerProcess(h, taskQueue);
  await survivor.ready;
  try {
    expectFinished(await run.result());
    const audits = await auditIds(userId);
    expect(audits.length - auditsBefore.length).toBe(expectedNew);
    expect(new Set(audits).size).toBe(audits.length);
    expect(await freeTicketRows(userId)).toBe(1);
    // The cache equals a clean run's: refreshing it again changes nothing.
    const again = await requestTicketRefresh(h.client, userId, { taskQueue, wait: true });
    expect(again).toMatchObject({ outcome: 'unchanged', created: 0, updated: 0, removed: 0 });
    expect(await auditIds(userId)).toHaveLength(audits.length);
  } finally {
    await survivor.kill();
  }
}

/** Waits until the server shows the activity running on a worker (the fetch is in flight, held by the latency fault). */
async function waitForStartedActivity(handle: RefreshHandle, activityType: string): Promise<void> {
  const started = temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;
  for (let i = 0; i < 200; i++) {
    const { raw } = await handle.describe();
    if (raw.pendingActivities?.some((a) => a.activityType?.name === activityType && a.state === started)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${activityType} never started`);
}

describe('a refresh survives its worker being killed (SIGKILL)', () => {
  jest.setTimeout(180_000);

  it('during the Bytemark fetch', async () => {
    const userId = 2001;
    await runWithCrash(userId, async (taskQueue) => {
      await h.admin.setFaults({ 'GET /passes': { latency: { fixedMs: 5000 }, times: 1, userId } });
      const victim = startWorkerProcess(h, taskQueue);
      await victim.ready;
      const handle = await requestTicketRefresh(h.client, userId, { taskQueue });
      await waitForStartedActivity(handle, 'refreshUserTickets');
      victim.child.kill('SIGKILL');
      expect(await victim.exited).toBe(137);
      return handle;
    });
  });

  it.each([
    ['right after the cache commit, before any audit entry', 2002, 'after-cache-commit'],
    ['half-way through the audit entries', 2003, 'during-log-writes'],
    ['after the audit entries, before the free-ticket row', 2004, 'before-free-ticket-row'],
  ])('%s', async (_label, userId, crashPoint) => {
    await runWithCrash(userId, async (taskQueue) => {
      const victim = startWorkerProcess(h, taskQueue, { CRASH_POINT: crashPoint });
      await victim.ready;
      const handle = await requestTicketRefresh(h.client, userId, { taskQueue });
      expect(await victim.exited).toBe(137);
      return handle;
    });
  });

  it("in an hourly batch, right after a user's cache commit", async () => {
    const userId = 2005;
    await runWithCrash(
      userId,
      async (taskQueue) => {
        const victim = startWorkerProcess(h, taskQueue, { CRASH_POINT: 'after-cache-commit' });
        await victim.ready;
        const handle = await h.client.workflow.start(refreshTicketCacheBatchWorkflow, {
          taskQueue,
          workflowId: `${taskQueue}-batch`,
          args: [{ userIds: [userId], mode: 'check', trigger: 'hourly' }],
        });
        expect(await victim.exited).toBe(137);
        return handle;
      },
      (batch: BatchResult) => expect(batch).toMatchObject({ users: 1, failed: 0, outcomes: { updated: 1 } }),
    );
  });
});
