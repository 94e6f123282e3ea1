import type { BytemarkRequestObservation } from './client-observer';
import { startTestBytemark, type TestBytemark } from './simulator.fixture';

describe('the client observer (what the worker metrics count)', () => {
  let t: TestBytemark;

  beforeAll(async () => {
    t = await startTestBytemark();
  });
  afterAll(() => t.sim.close());
  beforeEach(() => t.admin.reset({ seed: 11, users: 3, passesPerUser: 20, firstUserId: 1 }));

  function observed(overrides: Parameters<TestBytemark['client']>[0] = {}) {
    const requests: BytemarkRequestObservation[] = [];
    const logins: string[] = [];
    const client = t.client({
      ...overrides,
      observer: { request: (o) => requests.push(o), login: (result) => logins.push(result) },
    });
    const seen = () => requests.map(({ endpoint, status, failure }) => ({ endpoint, status, failure }));
    return { client, requests, logins, seen };
  }

  it('reports every page and every login by endpoint and status, and each login result', async () => {
    const user = await t.account(1);
    await t.admin.setPassCount(1, 30, 'USABLE');
    const { client, requests, logins, seen } = observed();
    const { oauthToken } = await client.login(user.email, user.password);
    await client.listPasses(oauthToken, { perPage: 25 });
    await client.listPassHistory(oauthToken, { status: 'EXPIRED' });
    await expect(client.login(user.email, 'wrong password')).rejects.toMatchObject({ type: 'auth' });

    expect(seen()).toEqual([
      { endpoint: 'login', status: 200, failure: undefined },
      { endpoint: 'passes', status: 200, failure: undefined },
      { endpoint: 'passes', status: 200, failure: undefined },
      { endpoint: 'passes_history', status: 200, failure: undefined },
      { endpoint: 'login', status: 401, failure: 'auth' },
    ]);
    expect(logins).toEqual(['succeeded', 'failed']);
    expect(requests.every((r) => r.durationMs >= 0 && r.durationMs < 5000)).toBe(true);
    // Nothing of the user or the request goes to the observer.
    expect(JSON.stringify(requests)).not.toMatch(new RegExp(`${oauthToken}|${user.email}|uuid|http`));
  });

  it('tells a timeout, a body over the limit, a 429 and a 5xx apart; a login Bytemark did not answer has no result', async () => {
    const user = await t.account(1);
    const { client, logins, seen } = observed({ timeoutMs: 300, maxResponseBytes: 64 * 1024 });
    await t.admin.setFaults({ 'GET /passes': { hang: { ms: 2000 }, times: 1 } });
    await expect(client.listPasses(user.token)).rejects.toMatchObject({ type: 'unavailable' });
    await t.admin.setFaults({ 'GET /passes': { oversizeBodyBytes: 256 * 1024, times: 1 } });
    await expect(client.listPasses(user.token)).rejects.toMatchObject({ type: 'response' });
    await t.admin.setFaults({ 'GET /v4.0/passes': { rate429: { retryAfterSeconds: 1 }, times: 1 } });
    await expect(client.listPassHistory(user.token, { status: 'EXPIRED' })).rejects.toMatchObject({
      type: 'rate-limit',
    });
    await t.admin.setFaults({ 'POST /users/login': { errorRate: 1, errorStatus: 503, times: 1 } });
    await expect(client.login(user.email, user.password)).rejects.toMatchObject({ type: 'unavailable' });

    expect(seen()).toEqual([
      { endpoint: 'passes', status: null, failure: 'timeout' },
      { endpoint: 'passes', status: null, failure: 'too-large' },
      { endpoint: 'passes_history', status: 429, failure: 'rate-limit' },
      { endpoint: 'login', status: 503, failure: 'unavailable' },
    ]);
    expect(logins).toEqual([]);
  });

  it('an observer that throws never fails the call', async () => {
    const user = await t.account(1);
    const client = t.client({
      observer: {
        request: () => {
          throw new Error('metrics broke');
        },
        login: () => {
          throw new Error('metrics broke');
        },
      },
    });
    await expect(client.login(user.email, user.password)).resolves.toHaveProperty('oauthToken');
    await expect(client.listPasses(user.token)).rejects.toMatchObject({ type: 'auth' });
  });
});
