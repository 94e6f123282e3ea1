import { BytemarkUnavailableError } from './errors';
import { startTestBytemark, type TestBytemark } from './simulator.fixture';

describe('simulator counters agree with the client', () => {
  let t: TestBytemark;

  beforeAll(async () => {
    t = await startTestBytemark();
  });
  afterAll(() => t.sim.close());

  it('counts one request per page, per login, per use and per failed call, by status', async () => {
    await t.admin.reset({ seed: 11, users: 3, passesPerUser: 20, firstUserId: 1 });
    await t.admin.setPassCount(1, 100, 'USABLE');
    const user = await t.account(1);
    const client = t.client();
    const pagesSeen: number[] = [];

    const { oauthToken } = await client.login(user.email, user.password);
    const current = await client.listPasses(oauthToken, { perPage: 25, onPage: (p) => pagesSeen.push(p.page) });
    const history = await client.listPassHistory(oauthToken, { status: 'EXPIRED', perPage: 25 });
    const usable = current.passes.filter((p) => p.status === 'USABLE').slice(0, 2);
    for (const p of usable) await client.usePass(oauthToken, p.uuid);
    await t.admin.setFaults({ 'GET /passes': { errorRate: 1, errorStatus: 500, times: 1 } });
    await expect(client.listPasses(oauthToken)).rejects.toBeInstanceOf(BytemarkUnavailableError);

    expect(pagesSeen).toHaveLength(current.pages);
    expect(await t.admin.counters()).toEqual({
      'POST /users/login': { total: 1, byStatus: { '200': 1 } },
      'GET /passes': { total: current.pages + 1, byStatus: { '200': current.pages, '500': 1 } },
      'GET /v4.0/passes': { total: history.pages, byStatus: { '200': history.pages } },
      'POST /passes/:uuid/uses': { total: 2, byStatus: { '200': 2 } },
    });
    expect(current.pages).toBe(Math.ceil(current.passes.length / 25));
  });
});
