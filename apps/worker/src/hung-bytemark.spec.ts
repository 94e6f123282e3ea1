import type { ScheduleDescription } from '@temporalio/client';
import { deleteScheduleIfPresent, hourlyScheduleOptions } from '@btc/schedules';
import type { SweepInput, SweepProgress } from '@btc/workflows';
import { openHarnessRecordingSlack, type SlackRecordingHarness } from '@btc/worker-runtime/testing';

const USERS = 20;
const FIRST = 430_001;
/** The schedule's "hour": a sweep every 20 s, whose window is 12 s (users started for the first 6 s). */
const EVERY_MS = 20_000;
const WINDOW: Pick<SweepInput, 'startUsersForMinutes' | 'windowMinutes'> = {
  startUsersForMinutes: 0.1,
  windowMinutes: 0.2,
};
let h: SlackRecordingHarness;

beforeAll(async () => {
  h = await openHarnessRecordingSlack({
    users: USERS,
    passesPerUser: 1,
    firstUserId: FIRST,
  });
  await h.reset();
  await h.seedTokens();
});
afterAll(async () => {
  await h?.close();
});

type Action = ScheduleDescription['info']['recentActions'][number];

describe('Bytemark hangs on every call', () => {
  jest.setTimeout(120_000);

  it('the sweep ends within its window with the users not reached counted, and the next sweep starts on time and builds everyone', async () => {
    await h.admin.setFaults({ 'GET /passes': { hang: true }, 'GET /v4.0/passes': { hang: true } });
    await h.withWorkers(async (taskQueue) => {
      const suffix = `-hung-${Date.now()}`;
      const options = hourlyScheduleOptions({ taskQueue, maxInFlight: 5, scheduleIdSuffix: suffix });
      // The schedule's first action 3 s from now, then one every 20 s, under the hourly schedule's SKIP policy.
      options.spec = { intervals: [{ every: EVERY_MS, offset: (Date.now() + 3000) % EVERY_MS }] };
      (options.action as { args: SweepInput[] }).args = [
        { mode: 'if-stale', trigger: 'hourly', select: 'stale', maxInFlight: 5, ...WINDOW },
      ];
      const schedule = await h.client.schedule.create(options);
      const action = async (n: number): Promise<Action> => {
        for (;;) {
          const { info } = await schedule.describe();
          const found = info.recentActions[n - 1];
          if (found) return found;
          await new Promise((r) => setTimeout(r, 200));
        }
      };
      const resultOf = async (a: Action) => {
        const handle = h.client.workflow.getHandle(a.action.workflow.workflowId, a.action.workflow.firstExecutionRunId);
        const result = (await handle.result()) as SweepProgress;
        const { startTime, closeTime } = await handle.describe();
        return { result, seconds: ((closeTime?.getTime() ?? NaN) - startTime.getTime()) / 1000 };
      };
      try {
        const first = await action(1);
        const hung = await resultOf(first);
        // Bytemark answers again before the next hour.
        await h.admin.clearFaults();
        const second = await action(2);
        const next = await resultOf(second);
        const { info } = await schedule.describe();
        const late = (second.takenAt.getTime() - second.scheduledAt.getTime()) / 1000;
        console.log(
          `hung sweep: ${hung.seconds} s (window ${WINDOW.windowMinutes! * 60} s), ` +
            `${JSON.stringify({ ...hung.result, failedUserIds: undefined, failures: hung.result.failures.byType })}; ` +
            `next sweep taken ${late} s after its time, ${next.seconds} s, refreshed ${JSON.stringify(next.result.refreshed)}`,
        );

        // The hung sweep: nobody refreshed, the users it could not start counted as not reached, all still due.
        expect(hung.result).toMatchObject({ usersSeen: USERS, due: USERS, refreshed: {}, stoppedBy: 'deadline' });
        expect(hung.result.notReached).toBeGreaterThan(0);
        expect(hung.result.failed + hung.result.notReached).toBe(USERS);
        expect(hung.result.leftOver).toBe(USERS);
        const alerts = h.slack.requests.map((r) => String((r.body as { text: string }).text));
        expect(alerts[0]).toContain(`${hung.result.notReached} not reached, ${USERS} still due when the window closed`);

        // The next sweep was not skipped by the SKIP overlap (the hung one had ended) and built everyone.
        expect(info.numActionsSkippedOverlap).toBe(0);
        expect(second.scheduledAt.getTime() - first.scheduledAt.getTime()).toBe(EVERY_MS);
        expect(next.result).toMatchObject({ due: USERS, failed: 0, notReached: 0, stoppedBy: 'done' });
        expect(next.result.refreshed).toEqual({ built: USERS });
      } finally {
        await deleteScheduleIfPresent(h.client, options.scheduleId);
      }
    });
  });
});
