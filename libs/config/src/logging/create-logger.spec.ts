import { runInNewContext } from 'node:vm';
import { createLogger, logFormat } from './create-logger';

const PASSWORD = 'S3cret-pw-4711';
const TOKEN = 'tok-secret-0815';
const KEY = 'k1:c2VjcmV0LWtleS1tYXRlcmlhbC0xMjM0NTY3OA==';
const env = {
  MYSQL_URL: `mysql://btc:${PASSWORD}@db:3306/bytemark`,
  TOKEN_ENCRYPTION_KEY: KEY,
  LOG_FORMAT: 'json',
};

function capture(over: Record<string, string> = {}, isTTY = false) {
  const lines: string[] = [];
  const logger = createLogger({
    name: 'test',
    env: { ...env, ...over },
    destination: { write: (text: string) => lines.push(text), isTTY },
  });
  return { logger, lines, text: () => lines.join('') };
}

/** Shaped like a Sequelize DatabaseError around a mysql2 error, with the SQL and its parameters. */
function sequelizeError(): Error {
  const driver = Object.assign(new Error("Table 'bytemark.bytemark_tokens' doesn't exist"), {
    code: 'ER_NO_SUCH_TABLE',
    errno: 1146,
    sql: `UPDATE bytemark_tokens SET token='${TOKEN}' WHERE user_id=1`,
  });
  return Object.assign(new Error(driver.message), {
    name: 'SequelizeDatabaseError',
    parent: driver,
    original: driver,
    sql: driver.sql,
    parameters: [TOKEN],
    connection: { config: { password: PASSWORD, host: 'db' } },
  });
}

/** Shaped like an AxiosError: the request config carries the Authorization header. */
function axiosError(): Error {
  return Object.assign(new Error('Request failed with status code 500'), {
    name: 'AxiosError',
    code: 'ERR_BAD_RESPONSE',
    config: { headers: { Authorization: `Bearer ${TOKEN}` }, url: 'https://overture.bytemark.co/passes' },
    request: { _header: `GET /passes HTTP/1.1\r\nAuthorization: Bearer ${TOKEN}` },
  });
}

describe('createLogger', () => {
  it('writes an error under err as type, code, message and causes, and never its SQL, parameters or connection', () => {
    const { logger, lines, text } = capture();
    logger.error({ err: sequelizeError(), userId: 1 }, 'token write failed');
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line['err']).toEqual({
      type: 'SequelizeDatabaseError',
      message: "Table 'bytemark.bytemark_tokens' doesn't exist",
      cause: { type: 'Error', code: 'ER_NO_SUCH_TABLE', message: "Table 'bytemark.bytemark_tokens' doesn't exist" },
    });
    expect(line['userId']).toBe(1);
    expect(text()).not.toContain(TOKEN);
    expect(text()).not.toContain(PASSWORD);
  });

  it("serializes an error under any key (Temporal's `error`) and an error logged alone", () => {
    const { logger, lines, text } = capture();
    logger.warn({ error: axiosError(), durationMs: 12 }, 'Activity failed');
    logger.error(sequelizeError());
    expect(JSON.parse(lines[0]!)).toMatchObject({
      error: { type: 'AxiosError', code: 'ERR_BAD_RESPONSE', message: 'Request failed with status code 500' },
      durationMs: 12,
    });
    expect(JSON.parse(lines[1]!)).toMatchObject({
      err: { type: 'SequelizeDatabaseError' },
      msg: "Table 'bytemark.bytemark_tokens' doesn't exist",
    });
    expect(text()).not.toContain(TOKEN);
  });

  it('finds errors a few levels inside a logged object, in plain objects and arrays', () => {
    const { logger, lines, text } = capture();
    logger.warn({ failure: { cause: sequelizeError() }, attempts: [axiosError()] }, 'nested');
    expect(JSON.parse(lines[0]!)).toMatchObject({
      failure: { cause: { type: 'SequelizeDatabaseError' } },
      attempts: [{ type: 'AxiosError', code: 'ERR_BAD_RESPONSE' }],
    });
    expect(text()).not.toContain(TOKEN);
    expect(text()).not.toContain('Bearer');
  });

  it('an error from another realm (the workflow sandbox) is described too', () => {
    const { logger, text } = capture();
    const foreign = runInNewContext(`Object.assign(new Error('boom'), { sql: 'SELECT "${TOKEN}"' })`) as Error;
    expect(foreign instanceof Error).toBe(false);
    logger.warn({ error: foreign }, 'Workflow task failed');
    expect(text()).toContain('"message":"boom"');
    expect(text()).not.toContain(TOKEN);
  });

  it("removes the environment's secrets and URL credentials from every part of a line", () => {
    const { logger, text } = capture();
    logger.error(
      { err: new Error(`connect failed with key ${KEY}`), url: `mongodb://u:${PASSWORD}@h/db`, note: PASSWORD },
      `cannot reach mysql://btc:${PASSWORD}@db/bytemark`,
    );
    expect(text()).not.toContain(PASSWORD);
    expect(text()).not.toContain('c2VjcmV0LWtleS1tYXRlcmlhbC0xMjM0NTY3OA==');
    expect(text()).toContain('mysql://btc:***@db/bytemark');
  });

  it('prints readable lines in a terminal outside production, and JSON in production or through a pipe', () => {
    expect(logFormat({}, true)).toBe('pretty');
    expect(logFormat({ NODE_ENV: 'production' }, true)).toBe('json');
    expect(logFormat({}, false)).toBe('json');
    expect(logFormat({ LOG_FORMAT: 'pretty' }, false)).toBe('pretty');

    const { logger, text } = capture({ LOG_FORMAT: '', NO_COLOR: '1' }, true);
    logger.info(
      { userId: 1234, summary: { outcome: 'updated' } },
      'refresh user 1234 updated: +3 ~1 -0, 2 free, 412 ms',
    );
    logger.error({ err: sequelizeError() }, 'token write failed');
    expect(text()).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} INFO {2}test: refresh user 1234 updated: \+3 ~1 -0, 2 free, 412 ms userId=1234\n/,
    );
    expect(text()).toContain(
      [
        'ERROR test: token write failed',
        "    SequelizeDatabaseError: Table 'bytemark.bytemark_tokens' doesn't exist",
        "      caused by: Error [ER_NO_SUCH_TABLE]: Table 'bytemark.bytemark_tokens' doesn't exist",
      ].join('\n'),
    );
    expect(text()).not.toContain(TOKEN);
  });

  it('honours LOG_LEVEL and falls back to info for an unknown one', () => {
    const quiet = capture({ LOG_LEVEL: 'warn' });
    quiet.logger.info('hidden');
    quiet.logger.warn('shown');
    expect(quiet.text()).not.toContain('hidden');
    expect(quiet.text()).toContain('shown');
    const odd = capture({ LOG_LEVEL: 'loud' });
    expect(odd.logger.level).toBe('info');
  });
});
