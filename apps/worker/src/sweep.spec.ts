import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { deleteScheduleIfPresent, ensureSchedule, hourlyScheduleOptions, triggerNow } from '@btc/schedules';
import { parseRefreshId, userActivityId, type SweepProgress } from '@btc/workflows';
import {
  type refreshAllTicketCachesWorkflow,
  refreshTicketCacheBatchWorkflow,
  sweepProgressQuery,
} from '@btc/workflows/workflows';
import { samplePassPayload } from '@btc/data/testing';
import { passPayloadHash } from '@btc/data';
import { openHarness, type Harness } from '@btc/worker-runtime/testing';

const USERS = 2000;
const FIRST = 100_001;
const TEMPORAL_CLI = join(__dirname, '..', '..', '..', '.tools', 'bin', 'temporal');
let h: Harness;
/** When this file's 2,000-user sweep started (the dev server keeps earlier runs of the same user ids). */
let sweepStarted = '';

beforeAll(async () => {
  h = await openHarness({ users: USERS, passesPerUser: 2, firstUserId: FIRST });
  await h.reset();
  await h.seedTokens();
});
afterAll(() => h?.close());

describe('the hourly schedule and the sweep', () => {
  jest.setTimeout(600_000);

  it('schedule ensure is create-or-update: one schedule, changed settings applied, hourly, SKIP, short catch-up', async () => {
    const suffix = `-test-${Date.now()}`;
    const options = (maxInFlight: number) =>
      hourlyScheduleOptions({ taskQueue: 'unused-queue', maxInFlight, scheduleIdSuffix: suffix });
    try {
      expect(await ensureSchedule(h.client, options(5))).toBe('created');
      expect(await ensureSchedule(h.client, options(7))).toBe('updated');
      const described = await h.client.schedule.getHandle(options(7).scheduleId).describe();
      expect(described.action.type === 'startWorkflow' && described.action.args).toEqual([
        expect.objectContaining({ maxInFlight: 7, mode: 'if-stale' }),
      ]);
      // Named by its function in the options, by its type name on the server.
      expect(described.action.workflowType).toBe('refreshAllTicketCachesWorkflow');
      const ids: string[] = [];
      for await (const s of h.client.schedule.list())
        if (s.scheduleId === options(7).scheduleId) ids.push(s.scheduleId);
      expect(ids).toHaveLength(1);
      const cli = execFileSync(
        TEMPORAL_CLI,
        ['schedule', 'describe', '--schedule-id', options(7).scheduleId, '--output', 'json'],
        {
          encoding: 'utf8',
        },
      );
      const parsed = JSON.parse(cli) as {
        schedule: { spec: unknown; policies: { overlapPolicy: string; catchupWindow: string } };
      };
      expect(parsed.schedule.policies.overlapPolicy).toMatch(/SKIP/);
      expect(parsed.schedule.policies.catchupWindow).toBe('600s');
      expect(JSON.stringify(parsed.schedule.spec)).toMatch(/minute/);
    } finally {
      await deleteScheduleIfPresent(h.client, options(7).scheduleId);
    }
  });

  it('schedule ensure run by several schedulers at once makes one schedule, and none of them fails on the conflict', async () => {
    const options = hourlyScheduleOptions({
      taskQueue: 'unused-queue',
      maxInFlight: 5,
      scheduleIdSuffix: `-race-${Date.now()}`,
    });
    try {
      // Each describes (not found), then creates: one creates, the others get ScheduleAlreadyRunning and update.
      const results = await Promise.all(Array.from({ length: 5 }, () => ensureSchedule(h.client, options)));
      expect(results.sort()).toEqual(['created', 'updated', 'updated', 'updated', 'updated']);
      const ids: string[] = [];
      for await (const s of h.client.schedule.list()) if (s.scheduleId === options.scheduleId) ids.push(s.scheduleId);
      expect(ids).toHaveLength(1);
    } finally {
      await deleteScheduleIfPresent(h.client, options.scheduleId);
    }
  });

  it('a triggered sweep counts as running: a trigger or the hourly action while it runs starts nothing', async () => {
    const suffix = `-overlap-${Date.now()}`;
    // No worker polls this queue, so the triggered sweep stays running for the whole test.
    const options = hourlyScheduleOptions({
      taskQueue: `no-worker${suffix}`,
      maxInFlight: 5,
      scheduleIdSuffix: suffix,
    });
    const handle = h.client.schedule.getHandle(options.scheduleId);
    const describeWhen = async (ready: (info: Awaited<ReturnType<typeof handle.describe>>['info']) => boolean) => {
      for (let i = 0; i < 100; i++) {
        const { info } = await handle.describe();
        if (ready(info)) return info;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('the schedule did not get there within 20 s');
    };
    await ensureSchedule(h.client, options);
    let started: string | undefined;
    try {
      await triggerNow(h.client, options.scheduleId);
      const first = await describeWhen((info) => info.runningActions.length === 1);
      started = first.runningActions[0]!.workflow.workflowId;
      await triggerNow(h.client, options.scheduleId);
      const after = await describeWhen((info) => info.numActionsSkippedOverlap === 1);
      expect(after.recentActions).toHaveLength(1);
      expect(after.runningActions.map((a) => a.workflow.workflowId)).toEqual([started]);
    } finally {
      await deleteScheduleIfPresent(h.client, options.scheduleId);
      if (started)
        await h.client.workflow
          .getHandle(started)
          .terminate('test over')
          .catch(() => undefined);
    }
  });

  it('a triggered sweep over 2,000 users refreshes stale and missing caches, skips fresh ones without a workflow, and continues as new', async () => {
    const now = Math.floor(Date.now() / 1000);
    const fresh: number[] = [];
    const stale: number[] = [];
    for (let userId = FIRST; userId < FIRST + USERS; userId++) {
      // One in twenty stale, one in twenty missing, the rest fresh: the freshness filter is what an hourly sweep mostly does.
      const kind = userId % 20 === 0 ? 'stale' : userId % 20 === 1 ? 'missing' : 'fresh';
      if (kind === 'missing') continue;
      (kind === 'fresh' ? fresh : stale).push(userId);
      const payload = samplePassPayload(userId);
      const refreshedAt = kind === 'fresh' ? now - 600 : now - 7200;
      const { cache, states } = h.dependencies.deps;
      const pass = { pass_uuid: String(payload['uuid']), timestamp: now, status: 'USABLE', free_ticket_status: 0 };
      await cache.commit(
        { userId },
        {
          user_id: userId,
          timestamp: refreshedAt,
          passes: [{ ...pass, payload, payload_hash: passPayloadHash(payload) }],
          passes4: [],
          passesLog: [],
          passes4Log: [],
          version: 1,
          refresh_id: 'seeded',
          refresh_summary: null,
          pending: null,
          announced_free: [],
        },
        { expectedVersion: null },
      );
      await states.record({
        userId,
        refreshedAt,
        checkedAt: refreshedAt,
        cacheVersion: null,
        listHashes: { passes: null, passes4: null },
        passCount: 1,
        outcome: 'built',
        trigger: 'bootstrap',
        runRef: 'seeded',
      });
    }
    const missing = USERS - fresh.length - stale.length;

    sweepStarted = new Date().toISOString();
    await h.withWorkers(async (taskQueue) => {
      const suffix = `-sweep-${Date.now()}`;
      const options = hourlyScheduleOptions({ taskQueue, maxInFlight: 40, scheduleIdSuffix: suffix });
      // Small batches and runs, so that 200 stale users make several batches and the sweep continues as new.
      (options.action as { args: unknown[] }).args = [
        { mode: 'if-stale', trigger: 'hourly', select: 'stale', maxInFlight: 20, batchSize: 50, usersPerRun: 100 },
      ];
      await ensureSchedule(h.client, options);
      try {
        const before = Date.now();
        await triggerNow(h.client, options.scheduleId);
        let workflowId: string | undefined;
        while (!workflowId) {
          const { info } = await h.client.schedule.getHandle(options.scheduleId).describe();
          workflowId = info.recentActions.find((a) => a.takenAt.getTime() >= before - 1000)?.action.workflow.workflowId;
          if (!workflowId) await new Promise((r) => setTimeout(r, 200));
        }
        const handle = h.client.workflow.getHandle<typeof refreshAllTicketCachesWorkflow>(workflowId);
        const result = handle.result();
        let midRun: SweepProgress | null = null;
        let done = false;
        void result.finally(() => (done = true)).catch(() => undefined);
        while (!done && !midRun) {
          const p = await handle.query(sweepProgressQuery).catch(() => null);
          if (p && p.usersSeen > 0 && Object.keys(p.refreshed).length > 0) midRun = p;
          else await new Promise((r) => setTimeout(r, 500));
        }
        const summary = await result;
        console.log(
          `sweep of ${USERS} users: ${JSON.stringify({ ...summary, failedUserIds: undefined })}, mid-run: ${JSON.stringify(midRun)}`,
        );
        expect(midRun).not.toBeNull();
        expect(summary.usersSeen).toBe(USERS);
        expect(summary.skippedFresh).toBe(fresh.length);
        expect(summary.refreshed.built).toBe(missing);
        expect(summary.refreshed.updated).toBe(stale.length);
        expect(summary.failed).toBe(0);
        expect(summary.runs).toBeGreaterThanOrEqual(2);
      } finally {
        await deleteScheduleIfPresent(h.client, options.scheduleId);
      }
    });
    // A fresh user is in no batch (its id is in no batch's BytemarkUserIds) and its cache is untouched.
    for (const userId of fresh.slice(0, 5)) {
      const batches = await h.client.workflow.count(`BytemarkUserIds = '${userId}' AND StartTime >= '${sweepStarted}'`);
      expect(batches.count).toBe(0);
    }
    const { cache, states } = h.dependencies.deps;
    for (const userId of stale.slice(0, 20)) {
      expect((await cache.findByUserId({ userId }))?.timestamp).toBeGreaterThanOrEqual(now);
      const batches = await h.client.workflow.count(`BytemarkUserIds = '${userId}' AND StartTime >= '${sweepStarted}'`);
      expect(batches.count).toBe(1);
    }
    for (const userId of fresh.slice(0, 20)) {
      expect((await cache.findByUserId({ userId }))?.timestamp).toBe(now - 600);
      expect((await states.find(userId))?.checkedAt).toBe(now - 600);
    }
  });

  it("a user's latest hourly refresh is found by a search on its id, and its state names that run and activity", async () => {
    const userId = FIRST + 19; // 100,020: stale in the sweep above (user ids divisible by 20)
    const found = [];
    // What an operator types in the UI's search (here limited to this test's sweep).
    const query = `BytemarkUserIds = '${userId}' AND StartTime >= '${sweepStarted}'`;
    for await (const wf of h.client.workflow.list({ query })) found.push(wf);
    expect(found).toHaveLength(1);
    const batch = found[0]!;
    expect(batch.type).toBe(refreshTicketCacheBatchWorkflow.name);
    const events = (await h.client.workflow.getHandle(batch.workflowId, batch.runId).fetchHistory()).events ?? [];
    const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityId === userActivityId(userId));
    expect(scheduled?.userMetadata?.summary).toBeDefined();
    const completed = events.find(
      (e) => String(e.activityTaskCompletedEventAttributes?.scheduledEventId) === String(scheduled?.eventId),
    );
    const payload = completed?.activityTaskCompletedEventAttributes?.result?.payloads?.[0]?.data;
    expect(JSON.parse(Buffer.from(payload!).toString())).toMatchObject({ outcome: 'updated' });
    const state = await h.dependencies.deps.states.find(userId);
    expect(state).toMatchObject({ outcome: 'updated', trigger: 'hourly' });
    expect(parseRefreshId(state!.runRef)).toEqual({
      workflowId: batch.workflowId,
      runId: batch.runId,
      activityId: userActivityId(userId),
    });
  });
});
