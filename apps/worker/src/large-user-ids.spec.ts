import { refreshTicketCacheBatchWorkflow, refreshAllTicketCachesWorkflow } from '@btc/workflows/workflows';
import { USER_IDS_KEY } from '@btc/workflows';
import { openHarness, type Harness } from '@btc/worker-runtime/testing';

const USERS = 250;
/** Ten-digit ids near the top of MySQL's signed INT (2,147,483,647): what a large platform's riders have. */
const FIRST = 2_147_000_001;
/** Temporal's limit on one search attribute value, in bytes of its encoded form. */
const VALUE_LIMIT_BYTES = 2048;
let h: Harness;

beforeAll(async () => {
  h = await openHarness({ users: USERS, passesPerUser: 1, firstUserId: FIRST });
  await h.reset();
  await h.seedTokens();
});
afterAll(() => h?.close());

/** The runs a visibility query finds, asked again for a few seconds until `expected` are (visibility lags a moment). */
async function listed(query: string, expected: number) {
  for (let i = 0; ; i++) {
    const found = [];
    for await (const wf of h.client.workflow.list({ query })) found.push(wf);
    if (found.length >= expected || i === 20) return found;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('a sweep over users with ten-digit ids', () => {
  jest.setTimeout(120_000);

  it('refreshes every user, in batches whose BytemarkUserIds each fit the 2 KB value limit and are found by a search on an id', async () => {
    const started = new Date(Date.now() - 1000).toISOString();
    let sweepId = '';
    const summary = await h.withWorkers((taskQueue) => {
      sweepId = `${taskQueue}-manual`;
      return h.client.workflow.execute(refreshAllTicketCachesWorkflow, {
        taskQueue,
        workflowId: sweepId,
        // The default page of 200 ids: 200 ten-digit ids are 2,601 bytes, so the page is split by bytes.
        args: [{ mode: 'check', trigger: 'manual', select: 'stale', maxInFlight: 25 }],
      });
    });
    console.log(`sweep over ${USERS} ten-digit ids: ${JSON.stringify({ ...summary, failedUserIds: undefined })}`);
    expect(summary).toMatchObject({ usersSeen: USERS, due: USERS, failed: 0, notReached: 0, stoppedBy: 'done' });
    expect(summary.refreshed).toEqual({ built: USERS });
    expect(summary.batches).toBeGreaterThan(2);

    // Every user has a cache and a state that names a batch of this sweep.
    const { cache, states } = h.dependencies.deps;
    for (let userId = FIRST; userId < FIRST + USERS; userId++) {
      expect(await cache.exists({ userId })).toBe(true);
      expect((await states.find(userId))?.outcome).toBe('built');
    }

    // Each batch's BytemarkUserIds is under the limit; together they hold every user once.
    const batches = await listed(
      `WorkflowType = '${refreshTicketCacheBatchWorkflow.name}' AND WorkflowId STARTS_WITH '${sweepId}-'`,
      summary.batches,
    );
    expect(batches).toHaveLength(summary.batches);
    const ids = batches.flatMap((b) => b.typedSearchAttributes.get(USER_IDS_KEY) ?? []);
    const bytes = batches.map((b) => JSON.stringify(b.typedSearchAttributes.get(USER_IDS_KEY)).length);
    console.log(`batches: ${batches.length}, BytemarkUserIds bytes: ${JSON.stringify(bytes)}`);
    for (const b of bytes) expect(b).toBeLessThan(VALUE_LIMIT_BYTES);
    expect(new Set(ids).size).toBe(USERS);
    expect(ids).toHaveLength(USERS);

    // What an operator types in the UI to find one rider's hourly refresh.
    const needle = FIRST + 199; // on the first page, in its second batch
    const found = await listed(`BytemarkUserIds = '${needle}' AND StartTime >= '${started}'`, 1);
    expect(found).toHaveLength(1);
    expect(found[0]?.type).toBe(refreshTicketCacheBatchWorkflow.name);
    expect(found[0]?.typedSearchAttributes.get(USER_IDS_KEY)).toContain(String(needle));
  });
});
