import { TICKET_CACHE_COLLECTION, TICKET_LOG_COLLECTION } from '@btc/data';
import { temporal } from '@temporalio/proto';
import { batchWorkflowId, sweepWorkflowId } from '@btc/workflows';
import { refreshAllTicketCachesWorkflow, refreshTicketCacheBatchWorkflow } from '@btc/workflows/workflows';
import { openHarness, startWorkerProcess, uniqueTaskQueue, type Harness } from '@btc/worker-runtime/testing';

const USERS = 100;
const FIRST = 9_100_001;
const PASSES = 2;
const BATCH_SIZE = 25;
const STARTED = temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;
/** The draining worker's grace: what a rollout gives it before the SDK cancels its activities. */
const GRACE_SECONDS = 20;
let h: Harness;

const db = () => h.dependencies.mongo.db!;
const users = { user_id: { $gte: FIRST, $lt: FIRST + USERS } };

beforeAll(async () => {
  h = await openHarness({ users: USERS, passesPerUser: PASSES, firstUserId: FIRST });
  await h.reset();
  await h.seedTokens();
  // Each Bytemark call takes a second: a refresh lasts over a second, so some are in flight at any moment.
  await h.admin.setSettings({ latency: { fixedMs: 1000 } });
});
afterAll(async () => {
  await h?.admin.setSettings({ latency: { fixedMs: 0 } }).catch(() => undefined);
  await h?.close();
});

interface Attempt {
  userActivity: string;
  identity: string;
  attempt: number;
  startedAt: number;
  endedAt: number | null;
  /** How the attempt ended: completed, failed, timedOut, canceled; null while it runs. */
  end: string | null;
}

/** Every refresh activity of the sweep's batches: which worker ran it, which attempt, when it started and ended. */
async function refreshAttempts(taskQueue: string): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  const query = `WorkflowType = '${refreshTicketCacheBatchWorkflow.name}' AND TaskQueue = '${taskQueue}'`;
  for await (const batch of h.client.workflow.list({ query })) {
    const events = (await h.client.workflow.getHandle(batch.workflowId, batch.runId).fetchHistory()).events ?? [];
    const scheduled = new Map<string, string>();
    const started = new Map<string, Attempt>();
    for (const e of events) {
      const id = String(e.eventId);
      const time = Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);
      if (e.activityTaskScheduledEventAttributes) {
        scheduled.set(id, e.activityTaskScheduledEventAttributes.activityId ?? '');
      } else if (e.activityTaskStartedEventAttributes) {
        const a = e.activityTaskStartedEventAttributes;
        const attempt: Attempt = {
          userActivity: scheduled.get(String(a.scheduledEventId)) ?? '',
          identity: a.identity ?? '',
          attempt: a.attempt ?? 1,
          startedAt: time,
          endedAt: null,
          end: null,
        };
        started.set(String(a.scheduledEventId), attempt);
        attempts.push(attempt);
      } else {
        const ends = {
          completed: e.activityTaskCompletedEventAttributes,
          failed: e.activityTaskFailedEventAttributes,
          timedOut: e.activityTaskTimedOutEventAttributes,
          canceled: e.activityTaskCanceledEventAttributes,
        };
        for (const [end, attributes] of Object.entries(ends)) {
          const attempt = attributes ? started.get(String(attributes.scheduledEventId)) : undefined;
          if (attempt) Object.assign(attempt, { endedAt: time, end });
        }
      }
    }
  }
  return attempts;
}

describe('a worker stopped by SIGTERM in the middle of a sweep', () => {
  jest.setTimeout(120_000);

  it('drains within its grace period and exits 0; the sweep finishes on the other worker and builds every user exactly once', async () => {
    const taskQueue = uniqueTaskQueue('drain');
    const shutdown = { WORKER_SHUTDOWN_GRACE_SECONDS: String(GRACE_SECONDS), WORKER_SHUTDOWN_FORCE_SECONDS: '5' };
    const victim = startWorkerProcess(h, taskQueue, shutdown, { captureOutput: true });
    const other = startWorkerProcess(h, taskQueue, shutdown);
    await Promise.all([victim.ready, other.ready]);
    try {
      const handle = await h.client.workflow.start(refreshAllTicketCachesWorkflow, {
        taskQueue,
        workflowId: sweepWorkflowId(taskQueue),
        args: [{ mode: 'if-stale', trigger: 'hourly', select: 'stale', maxInFlight: 5, batchSize: BATCH_SIZE }],
      });
      // Mid-sweep (a fifth of the caches built), while the victim runs refreshes.
      const victimId = `${victim.child.pid}@`;
      const batchIds = [0, 1, 2, 3].map((k) =>
        batchWorkflowId({
          sweepWorkflowId: handle.workflowId,
          sweepFirstRunId: handle.firstExecutionRunId,
          firstUserId: FIRST + k * BATCH_SIZE,
        }),
      );
      const victimRunning = async () => {
        for (const id of batchIds) {
          const described = await h.client.workflow
            .getHandle(id)
            .describe()
            .catch(() => null);
          const pending = described?.raw.pendingActivities ?? [];
          // Started on the victim in the last 300 ms: it still runs when the signal lands, even on a slow machine.
          const fresh = (a: (typeof pending)[number]) =>
            Date.now() - Number(a.lastStartedTime?.seconds ?? 0) * 1000 < 300;
          if (pending.some((a) => a.state === STARTED && a.lastWorkerIdentity?.startsWith(victimId) && fresh(a))) {
            return true;
          }
        }
        return false;
      };
      for (;;) {
        const built = await db().collection(TICKET_CACHE_COLLECTION).countDocuments(users);
        if (built >= USERS / 5 && (await victimRunning())) break;
        if (built >= USERS) throw new Error('the sweep ended before the victim was seen running a refresh');
        await new Promise((r) => setTimeout(r, 50));
      }
      const builtAtSigterm = await db().collection(TICKET_CACHE_COLLECTION).countDocuments(users);
      const sigtermAt = Date.now();
      victim.child.kill('SIGTERM');
      const code = await victim.exited;
      const exitMs = Date.now() - sigtermAt;

      expect(code).toBe(0);
      expect(exitMs).toBeLessThan(GRACE_SECONDS * 1000);
      const summary = await handle.result();
      expect(summary).toMatchObject({ usersSeen: USERS, due: USERS, failed: 0, refreshed: { built: USERS } });

      // Exactly once: one cache per user, and one `create` audit entry per pass, none repeated, no update.
      const caches = await db().collection(TICKET_CACHE_COLLECTION).find(users).toArray();
      expect(new Set(caches.map((c) => c['user_id'])).size).toBe(USERS);
      expect(caches).toHaveLength(USERS);
      const passes = caches.reduce(
        (n, c) => n + (c['passes'] as unknown[]).length + (c['passes4'] as unknown[]).length,
        0,
      );
      const audit = await db().collection(TICKET_LOG_COLLECTION).find(users).toArray();
      const keys = audit.map((e) => `${e['user_id']}/${e['source']}/${e['uuid']}`);
      expect(audit.filter((e) => e['action'] !== 'create')).toEqual([]);
      expect(new Set(keys).size).toBe(keys.length);
      expect(audit).toHaveLength(passes);
      expect(passes).toBe(USERS * PASSES);

      // The refreshes the victim had running at SIGTERM: each finished there, or was retried elsewhere.
      const attempts = await refreshAttempts(taskQueue);
      const onVictim = attempts.filter((a) => a.identity.startsWith(victimId));
      const inFlight = onVictim.filter((a) => a.startedAt <= sigtermAt && (a.endedAt ?? Infinity) > sigtermAt);
      const retried = attempts.filter((a) => a.attempt > 1);
      expect(new Set(attempts.map((a) => a.userActivity)).size).toBe(USERS);
      expect(inFlight.length).toBeGreaterThan(0);
      expect(inFlight.map((a) => a.end)).toEqual(inFlight.map(() => 'completed'));
      const finishedAfter = inFlight.map((a) => (a.endedAt ?? 0) - sigtermAt);
      console.log(
        `SIGTERM with ${builtAtSigterm}/${USERS} caches built and ${inFlight.length} refreshes in flight on the victim ` +
          `(they completed there ${Math.min(...finishedAfter)}-${Math.max(...finishedAfter)} ms after SIGTERM): ` +
          `it exited ${code} after ${exitMs} ms (grace ${GRACE_SECONDS} s); refreshes: ${onVictim.length} on the victim, ` +
          `${attempts.length - onVictim.length} on the other worker, ${retried.length} retried; ` +
          `${caches.length} caches, ${audit.length} audit entries (create), ${passes} passes`,
      );
      expect(victim.output()).not.toMatch(/GracefulShutdownPeriodExpiredError|"level":(50|60)/);
    } finally {
      await victim.kill();
      await other.kill();
    }
  });
});
