import { inspect } from 'node:util';
import { BytemarkClient } from './bytemark-client';
import {
  BytemarkForbiddenError,
  BytemarkRateLimitError,
  BytemarkResponseError,
  BytemarkResponseTooLargeError,
  type BytemarkError,
} from './errors';
import { DEFAULT_MAX_RETRY_AFTER_MS } from './response-handler';
import { startTestBytemark, TEST_CLIENT_SECRET, type TestBytemark } from './simulator.fixture';
import { createCapturingLogger } from './testing';

async function caught(promise: Promise<unknown>): Promise<BytemarkError> {
  try {
    await promise;
  } catch (error) {
    return error as BytemarkError;
  }
  throw new Error('expected the call to fail');
}

describe('BytemarkClient against a hostile API over real HTTP', () => {
  let t: TestBytemark;

  beforeAll(async () => {
    t = await startTestBytemark();
  });
  afterAll(() => t.sim.close());
  beforeEach(() => t.admin.reset({ seed: 11, users: 3, passesPerUser: 20, firstUserId: 1 }));

  it.each(['absent', 'renamed', 'null-data'] as const)(
    'a pass list whose pass array is %s is a response error, not an empty list',
    async (mode) => {
      const user = await t.account(1);
      await t.admin.setFaults({ 'GET /passes': { missingPassArray: { mode }, times: 1 } });
      const error = await caught(t.client().listPasses(user.token));
      expect(error).toBeInstanceOf(BytemarkResponseError);
      expect(error).toMatchObject({ type: 'response', route: 'GET /passes', field: 'data.passes' });
      expect(error.message).toContain('without its pass array');
    },
  );

  it('a pass history without its pass array is a response error too', async () => {
    const user = await t.account(1);
    await t.admin.setFaults({ 'GET /v4.0/passes': { missingPassArray: true, times: 1 } });
    const error = await caught(t.client().listPassHistory(user.token, { status: 'EXPIRED' }));
    expect(error).toMatchObject({ type: 'response', route: 'GET /v4.0/passes', field: 'data.passes' });
  });

  it('a user with no current passes gets an empty list, not an error', async () => {
    const user = await t.account(1);
    await t.admin.setPassCount(1, 0);
    await expect(t.client().listPasses(user.token)).resolves.toMatchObject({ passes: [], rejects: [], pages: 1 });
  });

  it.each([
    ['seconds', 'seconds'],
    ['an HTTP date', 'http-date'],
  ] as const)('HTTP 429 asking for a day in %s waits at most the default cap of 5 minutes', async (_label, form) => {
    const user = await t.account(1);
    await t.admin.setFaults({ 'GET /passes': { rate429: { retryAfterSeconds: 86_400, form }, times: 1 } });
    const error = (await caught(t.client().listPasses(user.token))) as BytemarkRateLimitError;
    expect(error).toBeInstanceOf(BytemarkRateLimitError);
    expect(error.retryAfterMs).toBe(DEFAULT_MAX_RETRY_AFTER_MS);
    expect(error.serverRetryAfterMs).toBeGreaterThan(86_000_000);
  });

  it('the Retry-After cap is a client option', async () => {
    const user = await t.account(1);
    await t.admin.setFaults({ 'GET /passes': { rate429: { retryAfterSeconds: 600 }, times: 1 } });
    const error = (await caught(
      t.client({ maxRetryAfterMs: 30_000 }).listPasses(user.token),
    )) as BytemarkRateLimitError;
    expect(error.retryAfterMs).toBe(30_000);
    expect(error.serverRetryAfterMs).toBe(600_000);
  });

  it('a body over maxResponseBytes fails with an error that names the limit, and a body under it passes', async () => {
    const user = await t.account(1);
    await t.admin.setFaults({ 'GET /passes': { oversizeBodyBytes: 3 * 1024 * 1024, times: 1 } });
    const error = await caught(t.client({ maxResponseBytes: 1024 * 1024 }).listPasses(user.token));
    expect(error).toBeInstanceOf(BytemarkResponseTooLargeError);
    expect(error).toMatchObject({ type: 'response', route: 'GET /passes', limitBytes: 1024 * 1024 });
    expect(error.message).toContain('1 MiB limit');

    await t.admin.setFaults({ 'GET /passes': { oversizeBodyBytes: 3 * 1024 * 1024, times: 1 } });
    const list = await t.client().listPasses(user.token);
    expect(list.passes.length).toBeGreaterThan(0);
  });

  it('a 403 error carries neither the token nor the client secret', async () => {
    const user = await t.account(1);
    await t.admin.setFaults({ 'GET /passes': { httpStatus: 403, times: 1 } });
    const logger = createCapturingLogger();
    const error = await caught(t.client({ logger }).listPasses(user.token));
    expect(error).toBeInstanceOf(BytemarkForbiddenError);
    const texts = [
      String(error),
      error.stack ?? '',
      JSON.stringify(error),
      inspect(error, { showHidden: true }),
      logger.text(),
    ];
    for (const text of texts) {
      expect(text).not.toContain(user.token);
      expect(text).not.toContain(TEST_CLIENT_SECRET);
    }
    expect(logger.lines.find((l) => l.level === 'warn')?.obj).toMatchObject({ type: 'forbidden', status: 403 });
  });

  it('limits that are not integers in range are refused when the client is built', () => {
    const base = { customerApiUrl: t.sim.url, accountApiUrl: t.sim.url, clientId: 'c' };
    expect(() => new BytemarkClient({ ...base, maxRetryAfterMs: -1 })).toThrow(/maxRetryAfterMs/);
    expect(() => new BytemarkClient({ ...base, maxResponseBytes: 0 })).toThrow(/maxResponseBytes/);
    expect(() => new BytemarkClient({ ...base, maxResponseBytes: Number.NaN })).toThrow(RangeError);
  });
});
