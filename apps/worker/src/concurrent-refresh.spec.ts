import { MockActivityEnvironment } from '@temporalio/testing';
import { createUserRefreshActivities } from '@btc/activities';
import type { TicketCacheRepository } from '@btc/data';
import type { UserRefreshInput } from '@btc/workflows';
import { openHarness, type Harness } from '@btc/worker-runtime/testing';

let h: Harness;

beforeAll(async () => {
  h = await openHarness({ users: 1, passesPerUser: 4, firstUserId: 13_001 });
  await h.reset();
  await h.seedTokens();
});
afterAll(() => h?.close());

const userId = 13_001;
const run = (refresh: ReturnType<typeof createUserRefreshActivities>['refreshUserTickets'], refreshId: string) =>
  new MockActivityEnvironment().run(refresh, {
    userId,
    mode: 'check',
    trigger: 'manual',
    refreshId,
  } satisfies UserRefreshInput);

describe('two refreshes of one user at once (an attempt that outlived its heartbeat, an on-demand run)', () => {
  it('the stale writer loses the compare-and-set, reads the newer document, and writes no change twice', async () => {
    const { deps } = h.dependencies;
    await run(createUserRefreshActivities(deps).refreshUserTickets, 'first-build');
    const [pass] = await h.admin.passes(userId);
    await h.admin.modifyPass(userId, pass!.uuid, { label_name: 'changed once' });
    const auditsBefore = await deps.logs.countByUserId({ userId });

    // The slow attempt has read the document and diffed it, then stalls before its write...
    let releaseSlow!: () => void;
    const slowMayWrite = new Promise<void>((resolve) => (releaseSlow = resolve));
    const slowCache = Object.create(deps.cache) as TicketCacheRepository;
    let slowCommits = 0;
    slowCache.commit = async (...args) => {
      if (slowCommits++ === 0) await slowMayWrite;
      return deps.cache.commit(...args);
    };
    const slow = run(createUserRefreshActivities({ ...deps, cache: slowCache }).refreshUserTickets, 'slow');
    await new Promise((r) => setTimeout(r, 500));
    // ... while another refresh writes the same change first.
    const fast = await run(createUserRefreshActivities(deps).refreshUserTickets, 'fast');
    releaseSlow();
    const slowResult = await slow;

    expect(fast).toMatchObject({ outcome: 'updated', updated: 1 });
    expect(slowResult).toMatchObject({ outcome: 'unchanged', updated: 0 });
    expect(await deps.logs.countByUserId({ userId })).toBe(auditsBefore + 1);
    const doc = await deps.cache.findByUserId({ userId });
    expect(doc?.refresh_id).toBe('fast');
    const entries = [...(doc?.passes ?? []), ...(doc?.passes4 ?? [])];
    expect(entries.find((p) => p.pass_uuid === pass!.uuid)?.payload['label_name']).toBe('changed once');
  });
});
