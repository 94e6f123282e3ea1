import { writePaceControls } from '@btc/data';
import type { SweepProgress } from '@btc/workflows';
import { refreshAllTicketCachesWorkflow } from '@btc/workflows/workflows';
import { openHarnessRecordingSlack, type SlackRecordingHarness } from '@btc/worker-runtime/testing';

const USERS = 90;
const FIRST = 420_001;
/** Bytemark calls per second: two per refresh, so about 9.5 refreshes a second at the pacer's share. */
const RATE_LIMIT = 20;
/** Users are started for 3 s of each sweep: about 28 refreshes, a third of the population. */
const START_USERS_FOR_MINUTES = 0.05;
const SWEEPS = 4;
let h: SlackRecordingHarness;

beforeAll(async () => {
  // A refreshed user is due again a second later: every sweep finds the whole population due.
  h = await openHarnessRecordingSlack({
    users: USERS,
    passesPerUser: 1,
    firstUserId: FIRST,
    dueAfterSeconds: 1,
  });
  await h.reset();
  await h.seedTokens();
  await writePaceControls(h.dependencies.sequelize, { rateLimitRps: RATE_LIMIT });
});
afterAll(async () => {
  await h?.close();
});

const refreshedIn = (p: SweepProgress) => Object.values(p.refreshed).reduce((a, b) => a + (b ?? 0), 0);

describe('a population three times what one sweep can refresh', () => {
  jest.setTimeout(120_000);

  it('four sweeps refresh every user at least once, oldest first, and each sends one alert with the numbers', async () => {
    const { states } = h.dependencies.deps;
    const refreshedBy: Array<Set<number>> = [];
    const sweeps: SweepProgress[] = [];
    await h.withWorkers(
      async (taskQueue) => {
        for (let sweep = 1; sweep <= SWEEPS; sweep++) {
          const before = new Map<number, number | null>();
          for (let userId = FIRST; userId < FIRST + USERS; userId++)
            before.set(userId, (await states.find(userId))?.refreshedAt ?? null);
          sweeps.push(
            await h.client.workflow.execute(refreshAllTicketCachesWorkflow, {
              taskQueue,
              workflowId: `${taskQueue}-hourly-${sweep}`,
              args: [
                {
                  mode: 'check',
                  trigger: 'hourly',
                  select: 'stale',
                  maxInFlight: 5,
                  batchesInFlight: 1,
                  startUsersForMinutes: START_USERS_FOR_MINUTES,
                  windowMinutes: 0.2,
                },
              ],
            }),
          );
          const touched = new Set<number>();
          for (const [userId, at] of before) if ((await states.find(userId))?.refreshedAt !== at) touched.add(userId);
          refreshedBy.push(touched);
          // Let the users refreshed by this sweep come due (one second).
          await new Promise((r) => setTimeout(r, 1100));
        }
      },
      { rateLimitRps: RATE_LIMIT },
    );

    const numbers = sweeps.map((s) => ({
      due: s.due,
      refreshed: refreshedIn(s),
      notReached: s.notReached,
      leftOver: s.leftOver,
      neededRateLimitRps: s.neededRateLimitRps,
      stoppedBy: s.stoppedBy,
    }));
    console.log(`${SWEEPS} sweeps over ${USERS} users at ${RATE_LIMIT} calls/s: ${JSON.stringify(numbers)}`);
    console.log(`users refreshed per sweep: ${JSON.stringify(refreshedBy.map((s) => s.size))}`);

    // Each sweep found everyone due, refreshed about a third and left the rest due, first next time.
    for (const s of sweeps) {
      expect(s).toMatchObject({ usersSeen: USERS, due: USERS, failed: 0, rateLimitRps: RATE_LIMIT });
      expect(refreshedIn(s)).toBeGreaterThan(0);
      expect(refreshedIn(s)).toBeLessThan(USERS);
      expect(s.leftOver).toBe(USERS - refreshedIn(s));
      expect(s.neededRateLimitRps).toBeGreaterThan(RATE_LIMIT);
    }
    // Oldest first: users never refreshed go before anyone a sweep refreshed already.
    const seen = new Set<number>();
    for (const touched of refreshedBy) {
      const neverRefreshed = USERS - seen.size;
      const again = [...touched].filter((u) => seen.has(u));
      expect(again).toHaveLength(Math.max(0, touched.size - neverRefreshed));
      for (const u of touched) seen.add(u);
    }
    // Every user was refreshed at least once in the four sweeps.
    const everyone = new Set(refreshedBy.flatMap((s) => [...s]));
    expect(everyone.size).toBe(USERS);
    for (let userId = FIRST; userId < FIRST + USERS; userId++)
      expect((await states.find(userId))?.refreshedAt).not.toBeNull();

    // One alert per sweep, with the numbers: due, refreshed, left over, and the limit that would cover them.
    const alerts = h.slack.requests.map((r) => String((r.body as { text: string }).text));
    console.log(`alerts:\n${alerts.join('\n')}`);
    expect(alerts).toHaveLength(SWEEPS);
    sweeps.forEach((s, i) => {
      const text = alerts[i]!;
      expect(text).toContain('Over capacity');
      expect(text).toContain(`${USERS} due`);
      expect(text).toContain(`${refreshedIn(s)} refreshed`);
      expect(text).toContain(`${s.leftOver} still due`);
      expect(text).toContain(`At ${RATE_LIMIT} calls/s`);
      expect(text).toContain(`about ${s.neededRateLimitRps} calls/s would`);
    });
  });
});
