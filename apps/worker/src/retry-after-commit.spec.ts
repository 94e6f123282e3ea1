import { MockActivityEnvironment } from '@temporalio/testing';
import { createUserRefreshActivities } from '@btc/activities';
import type { TicketCacheStateRepository } from '@btc/data';
import type { RefreshMode, UserRefreshInput } from '@btc/workflows';
import { openHarness, type Harness } from '@btc/worker-runtime/testing';

let h: Harness;

beforeAll(async () => {
  h = await openHarness({ users: 1, passesPerUser: 4, firstUserId: 13_101 });
  await h.reset();
  await h.seedTokens();
});
afterAll(() => h?.close());

const userId = 13_101;
const HOUR = 3600;

/**
 * The fault campaign's case: an hourly attempt commits the cache, writes its effects and its state,
 * then loses its MySQL connection before hearing back, so the attempt fails; the retry finds the
 * cache fresh (made so by that attempt).
 */
describe('a refresh attempt that fails after its commit, retried', () => {
  it('the retry reports what the attempt committed, and the state and the audit trail say it once', async () => {
    const { deps } = h.dependencies;
    const t0 = Math.floor(Date.now() / 1000);
    const run = (
      now: number,
      states: TicketCacheStateRepository,
      mode: RefreshMode,
      attempt: number,
      refreshId = 'hour-2/user',
    ) =>
      new MockActivityEnvironment({ attempt }).run(
        createUserRefreshActivities({ ...deps, states, now: () => now }).refreshUserTickets,
        { userId, mode, trigger: 'hourly', refreshId } satisfies UserRefreshInput,
      );
    await run(t0, deps.states, 'build', 1, 'hour-1/user');
    const [pass] = await h.admin.passes(userId);
    await h.admin.modifyPass(userId, pass!.uuid, { label_name: 'changed before the hour' });
    const auditsBefore = await deps.logs.countByUserId({ userId });

    // The state write reaches the database, then the connection dies before the answer.
    const lossy = Object.create(deps.states) as TicketCacheStateRepository;
    lossy.record = async (s) => {
      await deps.states.record(s);
      throw new Error('Connection lost: The server closed the connection.');
    };
    await expect(run(t0 + 2 * HOUR, lossy, 'if-stale', 1)).rejects.toThrow(/Connection lost/);
    expect(await deps.states.find(userId)).toMatchObject({ outcome: 'failed', refreshedAt: t0 + 2 * HOUR });

    const retried = await run(t0 + 2 * HOUR + 10, deps.states, 'if-stale', 2);
    expect(retried).toMatchObject({ outcome: 'updated', updated: 1 });
    const doc = await deps.cache.findByUserId({ userId });
    expect(await deps.states.find(userId)).toMatchObject({ outcome: 'updated', cacheVersion: doc?.version });
    expect(await deps.logs.countByUserId({ userId })).toBe(auditsBefore + 1);

    // And the next hour's refresh of the unchanged user is an ordinary one.
    const next = await run(t0 + 3 * HOUR + 20, deps.states, 'if-stale', 1, 'hour-3/user');
    expect(next).toMatchObject({ outcome: 'unchanged' });
    expect(await deps.logs.countByUserId({ userId })).toBe(auditsBefore + 1);
  });
});
