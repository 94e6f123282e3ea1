import { requestTicketRefresh } from '@btc/ticket-cache-client';
import { openHarness, type Harness } from '@btc/worker-runtime/testing';

const FIRST = 22_001;
let h: Harness;

beforeAll(async () => {
  h = await openHarness({ users: 2, passesPerUser: 4, firstUserId: FIRST });
  await h.reset();
  await h.seedTokens();
});
afterAll(() => h?.close());
afterEach(() => h.admin.clearFaults());

const refresh = (taskQueue: string, userId: number) =>
  requestTicketRefresh(h.client, userId, { taskQueue, wait: true });
const audits = (userId: number) => h.dependencies.deps.logs.countByUserId({ userId });

describe('odd pass payloads are cached as Bytemark sent them, and refreshes do not flap', () => {
  jest.setTimeout(120_000);

  it('a __proto__ key in a pass payload is stored and compared like any other key', async () => {
    const userId = FIRST;
    await h.withWorkers(async (taskQueue) => {
      await refresh(taskQueue, userId);
      await h.admin.setFaults({
        'GET /passes': { extraKey: { passIndex: 0, key: '__proto__', value: { fare: 'adult' } }, userId },
      });
      const changed = await refresh(taskQueue, userId);
      expect(changed).toMatchObject({ outcome: 'updated', updated: 1 });
      const passes = (await h.dependencies.deps.cache.findByUserId({ userId }))?.passes ?? [];
      const odd = passes.filter((p) => Object.keys(p.payload).includes('__proto__'));
      expect(odd).toHaveLength(1);
      expect(Object.getOwnPropertyDescriptor(odd[0]?.payload, '__proto__')?.value).toEqual({ fare: 'adult' });
      // Compared, not only stored: the same payload again is unchanged.
      expect(await refresh(taskQueue, userId)).toMatchObject({ outcome: 'unchanged', updated: 0 });

      // The key goes away: that is a change too (it was compared, not ignored).
      const auditsBefore = await audits(userId);
      await h.admin.clearFaults();
      expect(await refresh(taskQueue, userId)).toMatchObject({ outcome: 'updated', updated: 1 });
      expect(await audits(userId)).toBe(auditsBefore + 1);
    });
  });

  it('a uuid listed twice with different payloads keeps one payload over consecutive refreshes in either order: no flapping updates or audits', async () => {
    const userId = FIRST + 1;
    await h.withWorkers(async (taskQueue) => {
      const [oldest] = (await h.admin.passes(userId))
        .filter((p) => p.status === 'USABLE' || p.status === 'USING')
        .sort((a, b) => a.time_created.localeCompare(b.time_created));
      if (!oldest) throw new Error('the user has no current pass');
      const listTwice = (copyFirst: boolean) =>
        h.admin.setFaults({
          'GET /passes': {
            duplicatePass: { uuid: oldest.uuid, field: 'note', value: 'second copy', copyFirst },
            userId,
          },
        });
      const duplicated = async () => (await h.dependencies.deps.cache.findByUserId({ userId }))?.passes ?? [];
      await listTwice(true);
      await refresh(taskQueue, userId);
      const first = await duplicated();
      let audited = await audits(userId);

      // Each refresh sees the copies in the other order, and a new purchase (so the lists differ and
      // every pass is compared, not skipped by the list hash): only the purchase is a change.
      for (const copyFirst of [false, true]) {
        await listTwice(copyFirst);
        await h.admin.addPass(userId, { status: 'USABLE' });
        expect(await refresh(taskQueue, userId)).toMatchObject({
          outcome: 'updated',
          created: 1,
          updated: 0,
          removed: 0,
        });
        expect(await audits(userId)).toBe(audited + 1);
        audited += 1;
      }

      const last = await duplicated();
      const hashes = (entries: typeof first) => new Map(entries.map((p) => [p.pass_uuid, p.payload_hash]));
      for (const [uuid, hash] of hashes(first)) expect(hashes(last).get(uuid)).toBe(hash);
      expect(new Set(last.map((p) => p.pass_uuid)).size).toBe(last.length);
    });
  });
});
