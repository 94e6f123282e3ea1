import type { PaginationQuirk } from '@btc/bytemark-simulator';
import { startTestBytemark, type TestBytemark } from './simulator.fixture';
import { createCapturingLogger } from './testing';

/**
 * Paging as broken APIs do it (the simulator's `pagination` quirk), over real HTTP: the client stops
 * on an empty page, on `total_count` reached, or on a page with no new uuid, whatever `next` says,
 * and reads a count sent as null or as a numeric string as a hint. Calls are counted by the simulator.
 */
describe('BytemarkClient against an API whose paging misbehaves', () => {
  let t: TestBytemark;

  beforeAll(async () => {
    t = await startTestBytemark();
  });
  afterAll(() => t.sim.close());
  beforeEach(async () => {
    await t.admin.reset({ seed: 11, users: 3, passesPerUser: 20, firstUserId: 1 });
    await t.admin.setPassCount(1, 23, 'USABLE');
  });

  const withQuirk = async (route: 'GET /passes' | 'GET /v4.0/passes', pagination: PaginationQuirk) => {
    await t.admin.setFaults({ [route]: { pagination } });
    await t.admin.resetCounters();
  };
  const calls = async (route: string) => (await t.admin.counters())[route]?.total ?? 0;
  const currentUuids = async () =>
    (await t.admin.passes(1))
      .filter((p) => p.status === 'USABLE' || p.status === 'USING')
      .map((p) => p.uuid)
      .sort();

  it('a next link on every page stops once total_count passes have arrived, without a call past the last pass', async () => {
    const user = await t.account(1);
    const expected = await currentUuids();
    expect(expected.length).toBeGreaterThan(10);
    await withQuirk('GET /passes', { nextAlways: true });
    const list = await t.client().listPasses(user.token, { perPage: 5 });
    expect(list.passes.map((p) => p.uuid).sort()).toEqual(expected);
    expect(list.pages).toBe(Math.ceil(expected.length / 5));
    expect(await calls('GET /passes')).toBe(Math.ceil(expected.length / 5));
  });

  it('a next link on every page without a total_count stops at the first empty page, one call past the last pass', async () => {
    const user = await t.account(1);
    const expected = await currentUuids();
    const logger = createCapturingLogger();
    await withQuirk('GET /passes', { nextAlways: true, counts: 'null' });
    const list = await t.client({ logger }).listPasses(user.token, { perPage: 5 });
    expect(list.passes.map((p) => p.uuid).sort()).toEqual(expected);
    expect(await calls('GET /passes')).toBe(Math.ceil(expected.length / 5) + 1);
    expect(list.stoppedEarly).toEqual({ reason: 'empty-page', page: Math.ceil(expected.length / 5) + 1 });
    expect(logger.text()).toContain('empty-page');
  });

  it('an API that ignores page and keeps announcing next stops at the first page that brings no new uuid', async () => {
    const user = await t.account(1);
    await withQuirk('GET /passes', { ignorePage: true, nextAlways: true });
    const list = await t.client().listPasses(user.token, { perPage: 5 });
    expect(await calls('GET /passes')).toBe(2);
    expect(list.pages).toBe(1);
    expect(list.passes).toHaveLength(5);
    expect(list.stoppedEarly).toEqual({ reason: 'repeated-page', page: 2 });
    // The repeated page is dropped, and the count says the list is incomplete.
    expect(new Set(list.passes.map((p) => p.uuid)).size).toBe(5);
    expect(list.shortOfTotal).toEqual({ total: (await currentUuids()).length, received: 5 });
  });

  it('the history list (v4) stops the same way', async () => {
    const user = await t.account(1);
    const history = (await t.admin.passes(1)).filter((p) => p.status === 'EXPIRED' || p.status === 'USES_GONE');
    await withQuirk('GET /v4.0/passes', { nextAlways: true, counts: 'null' });
    const list = await t.client().listPassHistory(user.token, { status: 'EXPIRED', perPage: 3 });
    expect(list.passes).toHaveLength(history.length);
    expect(await calls('GET /v4.0/passes')).toBe(Math.ceil(history.length / 3) + 1);
  });

  it.each(['null', 'string'] as const)(
    'total_count and page_count sent as %s are a hint: the whole list is returned, nothing fails',
    async (counts) => {
      const user = await t.account(1);
      const expected = await currentUuids();
      await withQuirk('GET /passes', { counts });
      const single = await t.client().listPasses(user.token);
      expect(single.passes.map((p) => p.uuid).sort()).toEqual(expected);
      const paged = await t.client().listPasses(user.token, { perPage: 10 });
      expect(paged.passes.map((p) => p.uuid).sort()).toEqual(expected);
      expect(paged.pages).toBe(Math.ceil(expected.length / 10));
    },
  );
});
