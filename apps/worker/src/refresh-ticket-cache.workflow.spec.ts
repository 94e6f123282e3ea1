import { WorkflowFailedError } from '@temporalio/client';
import { QueryTypes } from 'sequelize';
import { FREE_PRODUCT_UUIDS } from '@btc/bytemark-simulator';
import { requestTicketRefresh } from '@btc/ticket-cache-client';
import { OUTCOME_KEY, refreshWorkflowId, type RefreshSummary } from '@btc/workflows';
import { refreshTicketCacheWorkflow } from '@btc/workflows/workflows';
import { openHarness, type Harness } from '@btc/worker-runtime/testing';

const PASSES = 8;
let h: Harness;

beforeAll(async () => {
  h = await openHarness({ users: 20, passesPerUser: PASSES, firstUserId: 1001 });
  await h.reset();
  await h.seedTokens();
});
afterAll(() => h?.close());
afterEach(() => h.admin.clearFaults());

const refresh = (taskQueue: string, userId: number, mode: 'check' | 'if-stale' | 'build' = 'check') =>
  requestTicketRefresh(h.client, userId, { taskQueue, mode, wait: true });

const auditCount = (userId: number) => h.dependencies.deps.logs.countByUserId({ userId });
const cacheOf = (userId: number) => h.dependencies.deps.cache.findByUserId({ userId });
async function freeTicketRows(userId: number) {
  return h.dependencies.sequelize.query<{ id: number; note: string; activity_type: number; status: number }>(
    'SELECT id, note, activity_type, status FROM bytemark_ticket_refresh_log WHERE user_id = ? AND activity_type = 2',
    { replacements: [userId], type: QueryTypes.SELECT },
  );
}

describe(refreshTicketCacheWorkflow.name, () => {
  it('builds a missing cache from v1 and v4, logs one create per pass and raises no free-ticket notice', async () => {
    await h.withWorkers(async (tq) => {
      const userId = 1001;
      const sim = await h.admin.passes(userId);
      const summary = await refresh(tq, userId);
      const cache = await cacheOf(userId);
      expect(summary).toMatchObject({
        outcome: 'built',
        created: sim.length,
        updated: 0,
        removed: 0,
        newFreeTickets: 0,
        cacheAgeBefore: null,
      });
      expect(cache!.passes.length + cache!.passes4.length).toBe(sim.length);
      expect(cache!.passes.every((p) => p.free_ticket_status === 0)).toBe(true);
      const created = cache!.passes.map((p) => Date.parse(String(p.payload['time_created'])));
      expect(created).toEqual([...created].sort((a, b) => a - b));
      expect(await auditCount(userId)).toBe(sim.length);
      expect(await freeTicketRows(userId)).toEqual([]);
      const described = await h.client.workflow.getHandle(refreshWorkflowId(userId)).describe();
      expect(described.typedSearchAttributes.get(OUTCOME_KEY)).toBe('built');
    });
  });

  it('leaves an unchanged user with zero audit entries and only its timestamp touched, even with keys reordered', async () => {
    await h.withWorkers(async (tq) => {
      const userId = 1002;
      await refresh(tq, userId);
      const before = await cacheOf(userId);
      const audits = await auditCount(userId);
      await h.admin.setFaults({ 'GET /passes': { reorderKeys: true }, 'GET /v4.0/passes': { reorderKeys: true } });
      const summary = await refresh(tq, userId);
      const after = await cacheOf(userId);
      expect(summary).toMatchObject({ outcome: 'unchanged', created: 0, updated: 0, removed: 0 });
      expect(await auditCount(userId)).toBe(audits);
      expect(after!.passes).toEqual(before!.passes);
      expect(after!.passes4).toEqual(before!.passes4);
      expect(after!.passesLog).toEqual(before!.passesLog);
      expect(after!.timestamp).toBeGreaterThanOrEqual(before!.timestamp);
    });
  });

  it('applies §4.2: new pass created, changed pass updated, expired pass pruned into history, history kept', async () => {
    await h.withWorkers(async (tq) => {
      const userId = 1003;
      await refresh(tq, userId);
      const before = await cacheOf(userId);
      const [changed, expiring] = before!.passes;
      await h.admin.modifyPass(userId, changed!.pass_uuid, { uses_count: 5, label_name: 'changed' });
      await h.admin.expirePass(userId, expiring!.pass_uuid);
      const added = await h.admin.addPass(userId, { status: 'USABLE' });
      const audits = await auditCount(userId);

      const summary = await refresh(tq, userId);
      const after = await cacheOf(userId);
      expect(summary).toMatchObject({ outcome: 'updated', created: 2, updated: 1, removed: 1, newFreeTickets: 0 });
      const uuids = after!.passes.map((p) => p.pass_uuid);
      expect(uuids).toContain(added.uuid);
      expect(uuids).not.toContain(expiring!.pass_uuid);
      expect(after!.passes.find((p) => p.pass_uuid === changed!.pass_uuid)?.payload['label_name']).toBe('changed');
      expect(after!.passes4.map((p) => p.pass_uuid)).toEqual(
        expect.arrayContaining([...before!.passes4.map((p) => p.pass_uuid), expiring!.pass_uuid]),
      );
      expect(await auditCount(userId)).toBe(audits + 3);
    });
  });

  it('flags new free passes, writes one refresh-log row listing them, and never a second one', async () => {
    await h.withWorkers(async (tq) => {
      const userId = 1004;
      await refresh(tq, userId);
      const granted = await h.admin.grantFreeTickets(userId, 2);
      const summary = await refresh(tq, userId);
      expect(summary).toMatchObject({ outcome: 'updated', created: 2, newFreeTickets: 2 });
      const cache = await cacheOf(userId);
      for (const g of granted) expect(cache!.passes.find((p) => p.pass_uuid === g.uuid)?.free_ticket_status).toBe(1);
      const rows = await freeTicketRows(userId);
      expect(rows).toHaveLength(1);
      for (const g of granted) expect(rows[0]!.note).toContain(g.uuid);
      expect(await refresh(tq, userId)).toMatchObject({ outcome: 'unchanged', newFreeTickets: 0 });
      expect(await freeTicketRows(userId)).toHaveLength(1);
      expect(FREE_PRODUCT_UUIDS).toContain(granted[0]!.product_uuid);
    });
  });

  it('skips a fresh cache in if-stale mode and reports its age', async () => {
    await h.withWorkers(async (tq) => {
      const userId = 1005;
      await refresh(tq, userId);
      const summary = await refresh(tq, userId, 'if-stale');
      expect(summary.outcome).toBe('fresh-skipped');
      expect(summary.cacheAgeBefore).toBeGreaterThanOrEqual(0);
      expect(summary.cacheAgeBefore).toBeLessThan(60);
    });
  });

  it('completes with no-token for a user without a Bytemark token', async () => {
    await h.withWorkers(async (tq) => {
      const userId = 1006;
      const account = (await h.admin.user(userId)) as { email: string; password: string };
      await h.dependencies.deps.tokens.upsertAccount({
        userId,
        email: account.email,
        password: account.password,
        token: null,
      });
      expect(await refresh(tq, userId)).toMatchObject({ outcome: 'no-token' });
      expect(await cacheOf(userId)).toBeNull();
    });
  });

  it('logs in again after an expired session (50020), stores the new token encrypted, and refreshes', async () => {
    await h.withWorkers(async (tq) => {
      const userId = 1007;
      const oldToken = (await h.dependencies.deps.tokens.findByUserId(userId))!.token;
      await h.admin.expireSession(userId);
      expect(await refresh(tq, userId)).toMatchObject({ outcome: 'built' });
      const newToken = (await h.dependencies.deps.tokens.findByUserId(userId))!.token;
      expect(newToken).not.toBe(oldToken);
      expect(newToken).toBe((await h.admin.user(userId)).token);
      const [raw] = await h.dependencies.sequelize.query<{ token: string }>(
        'SELECT token FROM bytemark_tokens WHERE user_id = ?',
        {
          replacements: [userId],
          type: QueryTypes.SELECT,
        },
      );
      expect(raw!.token).not.toContain(newToken!);
    });
  });

  it('completes with failed-auth when the re-login fails too, leaving the cache untouched', async () => {
    await h.withWorkers(async (tq) => {
      const userId = 1008;
      await refresh(tq, userId);
      const before = await cacheOf(userId);
      const account = await h.dependencies.deps.tokens.findByUserId(userId);
      await h.dependencies.deps.tokens.upsertAccount({ ...account!, password: 'wrong-password-1' });
      await h.admin.revokeToken(userId);
      expect(await refresh(tq, userId)).toMatchObject({ outcome: 'failed-auth' });
      expect(await cacheOf(userId)).toEqual(before);
    });
  });

  it('waits Retry-After on 429 before retrying, then succeeds', async () => {
    await h.withWorkers(async (tq) => {
      const userId = 1009;
      await h.admin.setFaults({ 'GET /passes': { rate429: { retryAfterSeconds: 3 }, times: 1, userId } });
      const started = Date.now();
      expect(await refresh(tq, userId)).toMatchObject({ outcome: 'built' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
      const counters = await h.admin.counters();
      expect(JSON.stringify(counters['GET /passes'])).toContain('429');
    });
  });

  it('rides out a burst of 503s with backoff and builds the cache', async () => {
    await h.withWorkers(async (tq) => {
      const userId = 1010;
      await h.admin.setFaults({ 'GET /v4.0/passes': { errorRate: 1, errorStatus: 503, times: 2, userId } });
      expect(await refresh(tq, userId)).toMatchObject({ outcome: 'built' });
    });
  });

  it('fails after a few attempts on a persistently malformed response and never overwrites the cache', async () => {
    await h.withWorkers(async (tq) => {
      const userId = 1011;
      await refresh(tq, userId);
      const before = await cacheOf(userId);
      await h.admin.addPass(userId);
      await h.admin.setFaults({ 'GET /passes': { malformedJson: true, userId } });
      const error = await refresh(tq, userId).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkflowFailedError);
      expect(JSON.stringify((error as WorkflowFailedError).cause)).toContain('BytemarkResponseError');
      expect(await cacheOf(userId)).toEqual(before);
    });
  });

  it('a hundred concurrent requests for one user share a few fetches, and each gets an answer', async () => {
    await h.withWorkers(async (tq) => {
      const userId = 1012;
      await h.admin.setSettings({ latency: { fixedMs: 300 } });
      const since = new Date(Date.now() - 1000).toISOString();
      try {
        const summaries: RefreshSummary[] = await Promise.all(Array.from({ length: 100 }, () => refresh(tq, userId)));
        expect(summaries.every((s) => s.outcome === 'built' || s.outcome === 'unchanged')).toBe(true);
        let fetches = 0;
        for await (const wf of h.client.workflow.list({
          query: `WorkflowId = '${refreshWorkflowId(userId)}' AND StartTime >= '${since}'`,
        })) {
          const events = (await h.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory()).events ?? [];
          fetches += events.filter((e) => e.activityTaskScheduledEventAttributes).length;
        }
        expect(fetches).toBeGreaterThan(0);
        expect(fetches).toBeLessThanOrEqual(10);
      } finally {
        await h.admin.setSettings({ latency: { fixedMs: 0 } });
      }
    });
  });
});
