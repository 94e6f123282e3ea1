import { inspect } from 'node:util';
import { BytemarkAuthError, BytemarkForbiddenError, BytemarkResponseError, BytemarkUnavailableError } from './errors';
import { createCapturingLogger } from './testing';
import { startTestBytemark, TEST_CLIENT_SECRET, type TestBytemark } from './simulator.fixture';

describe('BytemarkClient keeps secrets out of errors and logs', () => {
  let t: TestBytemark;

  beforeAll(async () => {
    t = await startTestBytemark();
  });
  afterAll(() => t.sim.close());
  beforeEach(() => t.admin.reset({ seed: 11, users: 3, passesPerUser: 20, firstUserId: 1 }));

  function expectClean(texts: string[], secrets: string[]): void {
    for (const text of texts) for (const secret of secrets) expect(text).not.toContain(secret);
  }

  function renderings(error: unknown): string[] {
    const enumerable = Object.keys(error as object).map((k) => `${k}=${String((error as Record<string, unknown>)[k])}`);
    return [
      String(error),
      (error as Error).message,
      (error as Error).stack ?? '',
      JSON.stringify(error),
      inspect(error, { depth: 10, showHidden: true }),
      enumerable.join(' '),
    ];
  }

  it('an auth failure on a pass list leaks neither the token nor the client secret', async () => {
    const user = await t.account(1);
    await t.admin.revokeToken(1);
    const logger = createCapturingLogger();
    const error = await t
      .client({ logger })
      .listPasses(user.token)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BytemarkAuthError);
    expect(logger.lines.length).toBeGreaterThan(0);
    expectClean([...renderings(error), logger.text()], [user.token, TEST_CLIENT_SECRET]);
    expect(error).not.toHaveProperty('cause');
    expect(error).not.toHaveProperty('config');
  });

  it('a failed login leaks neither the password nor the client secret', async () => {
    const user = await t.account(1);
    const logger = createCapturingLogger();
    const wrong = `${user.password}-wrong`;
    const error = await t
      .client({ logger })
      .login(user.email, wrong)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BytemarkAuthError);
    expectClean([...renderings(error), logger.text()], [wrong, user.password, TEST_CLIENT_SECRET]);
  });

  it('a successful login logs nothing secret, and inspecting the client shows no secret', async () => {
    const user = await t.account(1);
    const logger = createCapturingLogger();
    const client = t.client({ logger });
    const { oauthToken } = await client.login(user.email, user.password);
    await client.listPasses(oauthToken);
    expectClean(
      [logger.text(), inspect(client, { depth: 10, showHidden: true }), JSON.stringify(client)],
      [oauthToken, user.password, TEST_CLIENT_SECRET],
    );
  });

  it('a transport failure (timeout) carries no token either', async () => {
    const user = await t.account(1);
    await t.admin.setFaults({ 'GET /passes': { hang: { ms: 5000 }, times: 1 } });
    const logger = createCapturingLogger();
    const error = await t
      .client({ logger, timeoutMs: 200 })
      .listPasses(user.token)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BytemarkUnavailableError);
    expectClean([...renderings(error), logger.text()], [user.token, TEST_CLIENT_SECRET]);
  });

  it('logs each call at debug, a login at info and a 429 with the wait it imposes, with no token in any line', async () => {
    const user = await t.account(1);
    await t.admin.setFaults({ 'GET /passes': { rate429: { retryAfterSeconds: 7 }, times: 1 } });
    const logger = createCapturingLogger();
    const client = t.client({ logger });
    await client.listPasses(user.token).catch(() => undefined);
    const { oauthToken } = await client.login(user.email, user.password);
    expect(logger.lines).toEqual(
      expect.arrayContaining([
        { level: 'debug', obj: expect.objectContaining({ route: 'GET /passes', status: 429 }), msg: 'Bytemark call' },
        {
          level: 'warn',
          obj: expect.objectContaining({ route: 'GET /passes', type: 'rate-limit', retryAfterMs: 7000 }),
          msg: 'Bytemark rate limit: the next attempt waits 7 s',
        },
        { level: 'info', obj: { route: 'POST /users/login' }, msg: 'Bytemark login succeeded' },
      ]),
    );
    expectClean([logger.text()], [user.token, oauthToken, user.password, TEST_CLIENT_SECRET]);
  });

  it.each([
    ['a 403', 403, BytemarkForbiddenError],
    ['a 400', 400, BytemarkResponseError],
  ] as const)(
    'Bytemark error text echoing the e-mail, password and token (%s) stays out of the error; its code stays, the text is logged redacted',
    async (_label, httpStatus, errorClass) => {
      const user = await t.account(1);
      const echo = `Account ${user.email} declined: password ${user.password} wrong, token ${user.token} revoked`;
      await t.admin.setFaults({ 'GET /passes': { httpStatus, errorMessage: echo, times: 1 } });
      const logger = createCapturingLogger();
      const error = await t
        .client({ logger })
        .listPasses(user.token)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(errorClass);
      expect(error).toMatchObject({ code: httpStatus * 100 });
      expect((error as Error).message).toContain(`code ${httpStatus * 100} (message withheld, logged redacted)`);
      const visible = [String(error), (error as Error).message, (error as Error).stack ?? '', JSON.stringify(error)];
      expectClean(
        [...visible, Object.keys(error as object).join(' ')],
        [user.email, user.password, user.token, 'declined'],
      );
      const warn = logger.lines.find((l) => l.level === 'warn');
      expect(warn?.obj).toMatchObject({
        code: httpStatus * 100,
        bytemarkMessage: 'Account [email] declined: password [redacted] wrong, token [redacted] revoked',
      });
      expectClean([logger.text()], [user.email, user.password, user.token, TEST_CLIENT_SECRET]);
    },
  );

  it('a message on the allow-list (session expired) is kept in the error', async () => {
    const user = await t.account(1);
    await t.admin.setFaults({ 'GET /passes': { sessionExpired: true, times: 1 } });
    const error = await t
      .client()
      .listPasses(user.token)
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain(
      'code 50020 Unfortunately, your session has expired. Please log back in.',
    );
  });

  it('a failed login whose error text echoes the e-mail and password keeps both out of the error and the log', async () => {
    const user = await t.account(1);
    const wrong = 'Wr0ng-passw0rd!';
    await t.admin.setFaults({
      'POST /users/login': {
        httpStatus: 400,
        errorMessage: `No account ${user.email} with password ${wrong}`,
        times: 1,
      },
    });
    const logger = createCapturingLogger();
    const error = await t
      .client({ logger })
      .login(user.email, wrong)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BytemarkResponseError);
    expectClean([...renderings(error), logger.text()], [user.email, wrong, TEST_CLIENT_SECRET]);
  });
});
