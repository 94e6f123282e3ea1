import { MockActivityEnvironment } from '@temporalio/testing';
import { createUserRefreshActivities } from '@btc/activities';
import type { BytemarkClient } from '@btc/bytemark-client';
import type { TicketCacheRepository } from '@btc/data';
import type { RefreshSummary, UserRefreshInput } from '@btc/workflows';
import { openHarness, type Harness } from '@btc/worker-runtime/testing';

let h: Harness;

beforeAll(async () => {
  h = await openHarness({ users: 1, passesPerUser: 4, firstUserId: 13_001 });
  await h.reset();
  await h.seedTokens();
});
afterAll(() => h?.close());

const userId = 13_001;
const run = (
  refresh: ReturnType<typeof createUserRefreshActivities>['refreshUserTickets'],
  refreshId: string,
  mode: UserRefreshInput['mode'] = 'check',
) =>
  new MockActivityEnvironment().run(refresh, {
    userId,
    mode,
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

  it('a refresh whose lists are older than the cache writes nothing: a slow sweep never rolls back a pass a rider was told of', async () => {
    const { deps } = h.dependencies;
    await run(createUserRefreshActivities(deps).refreshUserTickets, 'before-purchase');
    // The slow refresh fetches v1 before the purchase; its v4 call stalls until the on-demand one has answered.
    let releaseV4!: () => void;
    const v4MayAnswer = new Promise<void>((resolve) => (releaseV4 = resolve));
    let v1Fetched!: () => void;
    const v1Done = new Promise<void>((resolve) => (v1Fetched = resolve));
    const slowBytemark = Object.create(deps.bytemark) as BytemarkClient;
    slowBytemark.listPasses = async (...args) => {
      const list = await deps.bytemark.listPasses(...args);
      v1Fetched();
      return list;
    };
    slowBytemark.listPassHistory = async (...args) => {
      await v4MayAnswer;
      return deps.bytemark.listPassHistory(...args);
    };
    const slow = run(createUserRefreshActivities({ ...deps, bytemark: slowBytemark }).refreshUserTickets, 'slow-sweep');
    await v1Done;
    const bought = await h.admin.addPass(userId);
    const rider = await run(createUserRefreshActivities(deps).refreshUserTickets, 'rider');
    expect(rider).toMatchObject({ outcome: 'updated', created: 1 });
    const auditsAfterRider = await deps.logs.countByUserId({ userId });
    releaseV4();
    await slow;

    const doc = await deps.cache.findByUserId({ userId });
    expect(doc?.refresh_id).toBe('rider');
    expect(doc?.passes.map((p) => p.pass_uuid)).toContain(bought.uuid);
    // The next refresh sees nothing new: the purchase was audited once, by the rider's refresh.
    const next = await run(createUserRefreshActivities(deps).refreshUserTickets, 'next');
    expect(next).toMatchObject({ outcome: 'unchanged', created: 0, removed: 0 });
    expect(await deps.logs.countByUserId({ userId })).toBe(auditsAfterRider);
  });

  it('two refreshes that find the token revoked log the user in once, and both answer with their lists', async () => {
    const { deps } = h.dependencies;
    await h.admin.revokeToken(userId);
    await h.admin.resetCounters();
    const refreshes = createUserRefreshActivities(deps).refreshUserTickets;
    const results = await Promise.all([run(refreshes, 'relogin-a'), run(refreshes, 'relogin-b')]);

    for (const result of results as RefreshSummary[]) expect(result.outcome).not.toBe('failed-auth');
    const counters = await h.admin.counters();
    expect(counters['POST /users/login']?.total).toBe(1);
    // The stored token is the one Bytemark kept: the next refresh needs no login.
    await run(refreshes, 'after-relogin');
    expect((await h.admin.counters())['POST /users/login']?.total).toBe(1);
  });

  it('a rebuild of an existing cache keeps the free-ticket flags, announces a new free ticket once, and audits only what changed', async () => {
    const { deps } = h.dependencies;
    const refreshes = createUserRefreshActivities(deps).refreshUserTickets;
    await run(refreshes, 'before-grant');
    const announced = (await h.admin.grantFreeTickets(userId, 1))[0]!;
    await run(refreshes, 'first-grant');
    const granted = (await h.admin.grantFreeTickets(userId, 1))[0]!;
    const audits = await deps.logs.countByUserId({ userId });
    const freeRows = async () =>
      (await deps.refreshLog.listPendingNotificationRows({ limit: 100 })).filter((r) => r.userId === userId);
    const rowsBefore = (await freeRows()).length;

    const rebuilt = await run(refreshes, 'operator-rebuild', 'build');
    expect(rebuilt).toMatchObject({ outcome: 'built', newFreeTickets: 1 });
    await run(refreshes, 'after-rebuild');

    const doc = await deps.cache.findByUserId({ userId });
    const flag = (uuid: string) => doc?.passes.find((p) => p.pass_uuid === uuid)?.free_ticket_status;
    expect(flag(announced.uuid)).toBe(1);
    expect(flag(granted.uuid)).toBe(1);
    const rows = await freeRows();
    expect(rows).toHaveLength(rowsBefore + 1);
    expect(rows.at(-1)?.note).toContain(granted.uuid);
    expect(rows.at(-1)?.note).not.toContain(announced.uuid);
    // One audit entry: the granted pass's create, not one per pass.
    expect(await deps.logs.countByUserId({ userId })).toBe(audits + 1);
  });
});
