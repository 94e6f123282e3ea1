import {
  BytemarkAuthError,
  BytemarkForbiddenError,
  BytemarkRateLimitError,
  BytemarkResponseError,
  BytemarkUnavailableError,
  type BytemarkError,
} from './errors';
import { startSimulator, startTestBytemark, TEST_CLIENT_ID, type TestBytemark } from './simulator.fixture';

async function caught(promise: Promise<unknown>): Promise<BytemarkError> {
  try {
    await promise;
  } catch (error) {
    return error as BytemarkError;
  }
  throw new Error('expected the call to fail');
}

describe('BytemarkClient error mapping over real HTTP', () => {
  let t: TestBytemark;

  beforeAll(async () => {
    t = await startTestBytemark();
  });
  afterAll(() => t.sim.close());
  beforeEach(() => t.admin.reset({ seed: 11, users: 3, passesPerUser: 20, firstUserId: 1 }));

  it('login returns a new OAuth token that works and replaces the seeded one', async () => {
    const user = await t.account(1);
    const { oauthToken } = await t.client().login(user.email, user.password);
    expect(oauthToken).not.toBe(user.token);
    await expect(t.client().listPasses(oauthToken)).resolves.toMatchObject({ pages: 1 });
    await expect(t.client().listPasses(user.token)).rejects.toBeInstanceOf(BytemarkAuthError);
  });

  it('a wrong client id at login is an auth error', async () => {
    const user = await t.account(1);
    const error = await caught(t.client({ clientId: 'someone-else' }).login(user.email, user.password));
    expect(error).toBeInstanceOf(BytemarkAuthError);
    expect(error).toMatchObject({ type: 'auth', route: 'POST /users/login', status: 401 });
  });

  it('an unknown or revoked token (HTTP 401) is an auth error', async () => {
    const user = await t.account(1);
    await t.admin.revokeToken(1);
    const error = await caught(t.client().listPasses(user.token));
    expect(error).toBeInstanceOf(BytemarkAuthError);
    expect(error).toMatchObject({ type: 'auth', route: 'GET /passes', status: 401 });
  });

  it('HTTP 403 is a forbidden error, not an auth error, so no re-login is attempted on it', async () => {
    const user = await t.account(1);
    await t.admin.setFaults({ 'GET /v4.0/passes': { httpStatus: 403 } });
    const error = await caught(t.client().listPassHistory(user.token, { status: 'EXPIRED' }));
    expect(error).toBeInstanceOf(BytemarkForbiddenError);
    expect(error).not.toBeInstanceOf(BytemarkAuthError);
    expect(error).toMatchObject({ type: 'forbidden', route: 'GET /v4.0/passes', status: 403 });
    expect(error.message).toContain('logging in again will not help');
  });

  it('HTTP 403 at login is a forbidden error too', async () => {
    const user = await t.account(1);
    await t.admin.setFaults({ 'POST /users/login': { httpStatus: 403, times: 1 } });
    const error = await caught(t.client().login(user.email, user.password));
    expect(error).toBeInstanceOf(BytemarkForbiddenError);
    expect(error).toMatchObject({ route: 'POST /users/login', status: 403 });
  });

  it('an expired session (errors[0].code 50020 on HTTP 200) is an auth error until the user logs in again', async () => {
    const user = await t.account(1);
    await t.admin.expireSession(1);
    const error = await caught(t.client().listPasses(user.token));
    expect(error).toBeInstanceOf(BytemarkAuthError);
    expect(error).toMatchObject({ code: 50020, status: 200 });
    const { oauthToken } = await t.client().login(user.email, user.password);
    await expect(t.client().listPasses(oauthToken)).resolves.toMatchObject({ pages: 1 });
  });

  it('a session-expired fault on usePass is an auth error too', async () => {
    const user = await t.account(1);
    await t.admin.setFaults({ 'POST /passes/:uuid/uses': { sessionExpired: true, times: 1 } });
    const error = await caught(t.client().usePass(user.token, 'any'));
    expect(error).toBeInstanceOf(BytemarkAuthError);
    expect(error).toMatchObject({ route: 'POST /passes/:uuid/uses', code: 50020 });
  });

  it('HTTP 429 with Retry-After in seconds becomes retryAfterMs', async () => {
    const user = await t.account(1);
    await t.admin.setFaults({ 'GET /passes': { rate429: { retryAfterSeconds: 7 }, times: 1 } });
    const error = await caught(t.client().listPasses(user.token));
    expect(error).toBeInstanceOf(BytemarkRateLimitError);
    expect((error as BytemarkRateLimitError).retryAfterMs).toBe(7000);
    expect(error.status).toBe(429);
  });

  it('HTTP 429 with Retry-After as an HTTP date becomes the time until that date', async () => {
    const user = await t.account(1);
    await t.admin.setFaults({ 'GET /passes': { rate429: { retryAfterSeconds: 30, form: 'http-date' }, times: 1 } });
    const error = await caught(t.client().listPasses(user.token));
    expect(error).toBeInstanceOf(BytemarkRateLimitError);
    const ms = (error as BytemarkRateLimitError).retryAfterMs;
    expect(ms).toBeGreaterThan(27_000);
    expect(ms).toBeLessThanOrEqual(30_000);
  });

  it('the global token bucket of the simulator surfaces as a rate-limit error', async () => {
    const user = await t.account(1);
    await t.admin.setSettings({ rateLimitRps: 2 });
    try {
      const results = await Promise.allSettled([1, 2, 3, 4, 5].map(() => t.client().listPasses(user.token)));
      const limited = results
        .filter((r) => r.status === 'rejected')
        .map((r) => (r as PromiseRejectedResult).reason as unknown);
      expect(limited.length).toBeGreaterThan(0);
      for (const e of limited) expect(e).toBeInstanceOf(BytemarkRateLimitError);
    } finally {
      await t.admin.setSettings({ rateLimitRps: 0 });
    }
  });

  it.each([500, 503] as const)('HTTP %i is an unavailable error', async (status) => {
    const user = await t.account(1);
    await t.admin.setFaults({ 'GET /passes': { errorRate: 1, errorStatus: status, times: 1 } });
    const error = await caught(t.client().listPasses(user.token));
    expect(error).toBeInstanceOf(BytemarkUnavailableError);
    expect(error).toMatchObject({ type: 'unavailable', status });
  });

  it('a 503 that happens twice and then stops leaves the third call successful', async () => {
    const user = await t.account(1);
    await t.admin.setFaults({ 'GET /passes': { httpStatus: 503, times: 2 } });
    const client = t.client();
    await expect(client.listPasses(user.token)).rejects.toBeInstanceOf(BytemarkUnavailableError);
    await expect(client.listPasses(user.token)).rejects.toBeInstanceOf(BytemarkUnavailableError);
    await expect(client.listPasses(user.token)).resolves.toMatchObject({ pages: 1 });
  });

  it('a hang longer than the client timeout is an unavailable error after about the timeout', async () => {
    const user = await t.account(1);
    await t.admin.setFaults({ 'GET /passes': { hang: { ms: 10_000 }, times: 1 } });
    const started = Date.now();
    const error = await caught(t.client({ timeoutMs: 300 }).listPasses(user.token));
    expect(error).toBeInstanceOf(BytemarkUnavailableError);
    expect(error.message).toContain('300 ms');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a refused connection is an unavailable error', async () => {
    const gone = await startSimulator({ port: 0, users: 1, clientId: TEST_CLIENT_ID });
    const url = gone.url;
    await gone.close();
    const error = await caught(t.client({ customerApiUrl: url }).listPasses('whatever'));
    expect(error).toBeInstanceOf(BytemarkUnavailableError);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('malformed JSON is a response error', async () => {
    const user = await t.account(1);
    await t.admin.setFaults({ 'GET /passes': { malformedJson: true, times: 1 } });
    const error = await caught(t.client().listPasses(user.token));
    expect(error).toBeInstanceOf(BytemarkResponseError);
    expect(error.message).toContain('not valid JSON');
  });

  it('a body cut off mid-transfer is an unavailable error', async () => {
    const user = await t.account(1);
    await t.admin.setFaults({ 'GET /passes': { truncatedBody: true, times: 1 } });
    const error = await caught(t.client().listPasses(user.token));
    expect(error).toBeInstanceOf(BytemarkUnavailableError);
  });

  it('usePass resolves on success and an unknown pass is a response error with the HTTP status', async () => {
    const user = await t.account(1);
    const pass = await t.admin.addPass(1, { status: 'USABLE' });
    await expect(t.client().usePass(user.token, pass.uuid)).resolves.toBeUndefined();
    const error = await caught(t.client().usePass(user.token, 'no-such-pass'));
    expect(error).toBeInstanceOf(BytemarkResponseError);
    expect(error).toMatchObject({ status: 404, route: 'POST /passes/:uuid/uses' });
  });
});
