import type { SweepProgress } from '@btc/workflows';
import { refreshAllTicketCachesWorkflow } from '@btc/workflows/workflows';
import { openHarnessRecordingSlack, type SlackRecordingHarness } from '@btc/worker-runtime/testing';

const USERS = 3;
const FIRST = 440_001;
/** Its password was changed at Bytemark: every login is refused. */
const DEAD = FIRST;
const HOURS = 24;
let h: SlackRecordingHarness;

beforeAll(async () => {
  h = await openHarnessRecordingSlack({
    users: USERS,
    passesPerUser: 1,
    firstUserId: FIRST,
  });
  await h.reset();
  await h.seedTokens();
  const { tokens } = h.dependencies.deps;
  await tokens.upsertAccount({ ...(await tokens.findByUserId(DEAD))!, password: 'changed-at-bytemark' });
  await h.admin.revokeToken(DEAD);
});
afterAll(async () => {
  await h?.close();
});

/**
 * An hour passes: every time the refresh state holds moves an hour into the past (what a clock an
 * hour later would see), so the next sweep, started now, finds due what would be due an hour on.
 */
async function anHourPasses(): Promise<void> {
  await h.dependencies.sequelize.query(
    `UPDATE bytemark_ticket_cache_state SET next_due_at = next_due_at - 3600, checked_at = checked_at - 3600,
       refreshed_at = refreshed_at - 3600`,
  );
}

const logins = async () => (await h.admin.counters())['POST /users/login']?.total ?? 0;

describe('a dead account over a day of hourly sweeps', () => {
  jest.setTimeout(120_000);

  it('is tried at hours 0, 1, 3, 7 and 15 (5 logins in 24 sweeps), and shows in status and in one alert per back-off step', async () => {
    const { states } = h.dependencies.deps;
    const attempts: number[] = [];
    const sweeps: SweepProgress[] = [];
    const alertsAt: Array<{ hour: number; text: string }> = [];
    const stateAt: Array<{ hour: number; outcome: string; authFailures: number; dueInHours: number }> = [];
    await h.withWorkers(async (taskQueue) => {
      for (let hour = 0; hour < HOURS; hour++) {
        const loginsBefore = await logins();
        const alertsBefore = h.slack.requests.length;
        sweeps.push(
          await h.client.workflow.execute(refreshAllTicketCachesWorkflow, {
            taskQueue,
            workflowId: `${taskQueue}-hourly-${hour}`,
            args: [{ mode: 'if-stale', trigger: 'hourly', select: 'stale', maxInFlight: 5 }],
          }),
        );
        if ((await logins()) > loginsBefore) {
          attempts.push(hour);
          const state = (await states.find(DEAD))!;
          const dueInHours = (state.nextDueAt - Math.floor(Date.now() / 1000)) / 3600;
          stateAt.push({ hour, outcome: state.outcome, authFailures: state.authFailures, dueInHours });
        }
        for (const r of h.slack.requests.slice(alertsBefore))
          alertsAt.push({ hour, text: String((r.body as { text: string }).text) });
        await anHourPasses();
      }
    });
    console.log(
      `login attempts at hours ${JSON.stringify(attempts)}; the dead account's state then: ${JSON.stringify(stateAt)}`,
    );
    console.log(`alerts:\n${alertsAt.map((a) => `hour ${a.hour}: ${a.text}`).join('\n')}`);

    // Doubling from the 55-minute due time: hours 0, 1, 3, 7, 15; the next after hour 29.
    expect(attempts).toEqual([0, 1, 3, 7, 15]);
    expect(stateAt.map((s) => s.authFailures)).toEqual([1, 2, 3, 4, 5]);
    for (const s of stateAt) expect(s.outcome).toBe('failed-auth');
    // Its failed-auth outcomes by back-off step, one per attempt; the other users were refreshed every hour.
    expect(sweeps.map((s) => s.refreshed['failed-auth'] ?? 0).reduce((a, b) => a + b)).toBe(5);
    expect(sweeps.filter((s) => s.refreshed['failed-auth']).map((s) => Object.keys(s.authBackoff))).toEqual([
      ['1'],
      ['2'],
      ['3'],
      ['4'],
      ['5'],
    ]);
    for (const s of sweeps) expect(s).toMatchObject({ usersSeen: USERS, failed: 0 });
    // What `status` and `doctor` read: the user, backing off, between its attempts.
    const now = Math.floor(Date.now() / 1000);
    const last = (await states.find(DEAD))!;
    expect(last).toMatchObject({ outcome: 'failed-auth', authFailures: 5 });
    expect(last.nextDueAt).toBeGreaterThan(now);
    expect((await states.freshness({ now, ttlSeconds: 3600 })).authBackoff).toBe(1);

    // One alert per back-off step: in the sweeps that tried the account, naming it and its step.
    expect(alertsAt.map((a) => a.hour)).toEqual([0, 1, 3, 7, 15]);
    alertsAt.forEach((a, i) => {
      expect(a.text).toContain('1 of ');
      expect(a.text).toContain(`1 at ${i + 1} failed login${i === 0 ? '' : 's'} in a row`);
      expect(a.text).toContain(String(DEAD));
    });
  });
});
