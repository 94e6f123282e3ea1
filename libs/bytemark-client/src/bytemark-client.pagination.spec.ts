import { BytemarkResponseError } from './errors';
import { passProductUuid } from './pass.schema';
import { createCapturingLogger } from './testing';
import { startTestBytemark, type TestBytemark } from './simulator.fixture';

describe('BytemarkClient list calls over real HTTP', () => {
  let t: TestBytemark;

  beforeAll(async () => {
    t = await startTestBytemark();
  });
  afterAll(() => t.sim.close());
  beforeEach(() => t.admin.reset({ seed: 11, users: 3, passesPerUser: 20, firstUserId: 1 }));

  const currentUuids = async (userId: number) =>
    (await t.admin.passes(userId)).filter((p) => p.status === 'USABLE' || p.status === 'USING').map((p) => p.uuid);

  it('follows pagination.next over 25,000 passes in pages of 500 and returns every pass once', async () => {
    const user = await t.account(1);
    await t.admin.setPassCount(1, 25_020, 'USABLE');
    const expected = await currentUuids(1);
    expect(expected.length).toBeGreaterThanOrEqual(25_000);
    const progress: Array<{ page: number; passes: number }> = [];
    const list = await t.client().listPasses(user.token, { perPage: 500, onPage: (p) => progress.push(p) });
    expect(list.pages).toBe(Math.ceil(expected.length / 500));
    expect(list.passes.map((p) => p.uuid).sort()).toEqual([...expected].sort());
    expect(list.rejects).toEqual([]);
    expect(progress[0]).toEqual({ page: 1, passes: 500 });
    expect(progress).toHaveLength(list.pages);
    expect(list.envelopes).toHaveLength(list.pages);
    expect(list.envelopes[0]?.data).toMatchObject({ page_count: 500, total_count: expected.length });
    expect(list.envelopes[0]?.data).not.toHaveProperty('passes');
  });

  it('with the default page size of 9999 a 20-pass user takes a single page and 25,000 passes take three', async () => {
    const small = await t.client().listPasses((await t.account(2)).token);
    expect(small.pages).toBe(1);
    expect(small.envelopes[0]?.data['pagination']).toMatchObject({ page: 1, per_page: 9999, next: null });
    expect(small.passes).toHaveLength((await currentUuids(2)).length);

    const user = await t.account(1);
    await t.admin.setPassCount(1, 25_020, 'USABLE');
    const big = await t.client().listPasses(user.token);
    expect(big.pages).toBe(3);
    expect(big.envelopes.map((e) => e.data['page_count'])).toEqual([9999, 9999, big.passes.length - 2 * 9999]);
    expect(big.passes.map((p) => p.uuid).sort()).toEqual((await currentUuids(1)).sort());
  });

  it('more pages than maxPages fails loudly with a response error instead of truncating', async () => {
    const user = await t.account(1);
    await t.admin.setPassCount(1, 100, 'USABLE');
    const promise = t.client({ maxPages: 3 }).listPasses(user.token, { perPage: 10 });
    await expect(promise).rejects.toBeInstanceOf(BytemarkResponseError);
    await expect(promise).rejects.toThrow(/after 3 pages/);
  });

  it('v4 history lists only EXPIRED and USES_GONE passes', async () => {
    const user = await t.account(1);
    const list = await t.client().listPassHistory(user.token, { status: 'EXPIRED', perPage: 3 });
    const history = (await t.admin.passes(1)).filter((p) => p.status === 'EXPIRED' || p.status === 'USES_GONE');
    expect(list.passes.map((p) => p.uuid).sort()).toEqual(history.map((p) => p.uuid).sort());
    expect(list.pages).toBe(Math.max(1, Math.ceil(history.length / 3)));
  });

  it('a schema-violating pass is rejected by uuid and field while the valid passes are still returned', async () => {
    const user = await t.account(1);
    const logger = createCapturingLogger();
    const clean = await t.client().listPasses(user.token);
    await t.admin.setFaults({ 'GET /passes': { schemaViolation: { passIndex: 1, field: 'time_created' }, times: 1 } });
    const list = await t.client({ logger }).listPasses(user.token);
    const victim = clean.passes[1];
    expect(list.rejects).toEqual([
      { uuid: victim?.uuid, index: 1, page: 1, field: 'time_created', message: expect.any(String) },
    ]);
    expect(list.passes).toHaveLength(clean.passes.length - 1);
    expect(list.passes.map((p) => p.uuid)).not.toContain(victim?.uuid);
    expect(logger.text()).toContain(victim?.uuid);
  });

  it('a pass missing its status is rejected naming the status field', async () => {
    const user = await t.account(1);
    await t.admin.setFaults({ 'GET /passes': { schemaViolation: { field: 'status', mode: 'missing' }, times: 1 } });
    const list = await t.client().listPasses(user.token);
    expect(list.rejects).toHaveLength(1);
    expect(list.rejects[0]).toMatchObject({ field: 'status', index: 0 });
    expect(list.rejects[0]?.uuid).toEqual(expect.any(String));
  });

  it('passes are returned verbatim with every field, and a reordered payload holds the same passes', async () => {
    const user = await t.account(1);
    const stored = await t.admin.passes(1);
    const list = await t.client().listPasses(user.token);
    const first = list.passes[0];
    expect(first).toEqual(stored.find((p) => p.uuid === first?.uuid));
    expect(passProductUuid(first ?? { uuid: '', status: '', time_created: '' })).toBe(first?.['product_uuid']);
    await t.admin.setFaults({ 'GET /passes': { reorderKeys: true, times: 1 } });
    const reordered = await t.client().listPasses(user.token);
    expect(reordered.passes).toEqual(list.passes);
    expect(Object.keys(reordered.passes[0] ?? {})).toEqual(Object.keys(first ?? {}).reverse());
  });
});
