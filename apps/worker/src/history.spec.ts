import { requestTicketRefresh } from '@btc/ticket-cache-client';
import { TEST_TOKEN_KEYRING } from '@btc/data/testing';
import { refreshWorkflowId } from '@btc/workflows';
import { refreshAllTicketCachesWorkflow, refreshTicketCacheBatchWorkflow } from '@btc/workflows/workflows';
import { openHarness, type Harness } from '@btc/worker-runtime/testing';
import { recordFixture } from './testing/history-fixtures';

let h: Harness;

beforeAll(async () => {
  h = await openHarness({ users: 3, passesPerUser: 10, firstUserId: 3001 });
  await h.reset();
  await h.admin.setPassCount(3002, 5000);
  await h.seedTokens();
});
afterAll(() => h?.close());

describe('workflow history', () => {
  jest.setTimeout(180_000);

  it('a per-user refresh is the same 15 events or fewer for 10 and for 5,000 passes: pass lists never enter history', async () => {
    const sizes = await h.withWorkers(async (taskQueue) => {
      const result: Record<string, { events: number; bytes: number }> = {};
      for (const [label, userId] of [
        ['10 passes', 3001],
        ['5,000 passes', 3002],
      ] as const) {
        const summary = await requestTicketRefresh(h.client, userId, { taskQueue, wait: true });
        expect(summary.outcome).toBe('built');
        expect(summary.created).toBe((await h.admin.passes(userId)).length);
        const history = await h.client.workflow.getHandle(refreshWorkflowId(userId)).fetchHistory();
        const json = recordFixture(`refresh-build-${userId === 3001 ? 10 : 5000}-passes`, refreshWorkflowId(userId));
        result[label] = { events: history.events?.length ?? 0, bytes: Buffer.byteLength(json) };
      }
      return result;
    });
    console.log(`history per refresh: ${JSON.stringify(sizes)}`);
    const small = sizes['10 passes']!;
    const large = sizes['5,000 passes']!;
    expect(large.events).toBe(small.events);
    expect(small.events).toBeLessThanOrEqual(15);
    expect(large.bytes).toBeLessThan(small.bytes * 1.15);
  });

  it('holds no token, password, client secret or encryption key, even across a re-login', async () => {
    const userId = 3003;
    await h.admin.expireSession(userId);
    const json = await h.withWorkers(async (taskQueue) => {
      expect(await requestTicketRefresh(h.client, userId, { taskQueue, wait: true })).toMatchObject({
        outcome: 'built',
      });
      return recordFixture('refresh-relogin', refreshWorkflowId(userId));
    });
    const account = await h.admin.user(userId);
    const stored = await h.dependencies.deps.tokens.findByUserId(userId);
    // The re-login happened inside the refresh activity: the stored token is the simulator's new one.
    expect(stored?.token).toBe(account.token);
    expect(json).toContain('refreshUserTickets');
    const secrets = [
      account.token!,
      account.password,
      stored!.token!,
      h.config.bytemark.clientSecret!,
      ...TEST_TOKEN_KEYRING.split(/[,:]/),
    ];
    for (const secret of secrets) expect(json).not.toContain(secret);
  });

  it("the sweep's and its batches' histories hold no secret and no pass: only ids, counts and outcomes", async () => {
    const userIds = [3001, 3002, 3003];
    await h.admin.expireSession(3001);
    const { sweep, batches } = await h.withWorkers(async (taskQueue) => {
      const handle = await h.client.workflow.start(refreshAllTicketCachesWorkflow, {
        taskQueue,
        workflowId: `${taskQueue}-sweep`,
        // One user per batch and per run: the sweep continues as new, so both its run shapes are recorded.
        args: [{ mode: 'check', trigger: 'manual', select: 'all', batchSize: 2, usersPerRun: 2 }],
      });
      const progress = await handle.result();
      expect(progress).toMatchObject({ usersSeen: 3, failed: 0, runs: 2 });
      const runs = [];
      for await (const wf of h.client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) runs.push(wf);
      return {
        sweep: runs.filter((r) => r.type === refreshAllTicketCachesWorkflow.name),
        batches: runs.filter((r) => r.type === refreshTicketCacheBatchWorkflow.name),
      };
    });
    expect(sweep).toHaveLength(2);
    expect(batches).toHaveLength(2);
    const [last, first] = [...sweep].sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
    const exported = [
      recordFixture('sweep-continued-as-new', first!.workflowId, first!.runId),
      recordFixture('sweep-last-run', last!.workflowId, last!.runId),
      ...batches.map((b, i) => recordFixture(`batch-${i + 1}`, b.workflowId, b.runId)),
    ].join('\n');
    const passUuids = (await Promise.all(userIds.map((id) => h.admin.passes(id)))).flat().map((p) => p.uuid);
    const accounts = await Promise.all(userIds.map((id) => h.admin.user(id)));
    const secrets = [
      ...accounts.flatMap((a) => [a.token!, a.password]),
      h.config.bytemark.clientSecret!,
      ...TEST_TOKEN_KEYRING.split(/[,:]/),
      ...passUuids,
    ];
    expect(exported).toContain('refreshUserTickets');
    for (const secret of secrets) expect(exported).not.toContain(secret);
  });
});
