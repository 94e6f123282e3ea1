import { MockActivityEnvironment } from '@temporalio/testing';
import type { LogLevel, LogMetadata } from '@temporalio/common';
import { createLogger } from '@btc/config';
import { bytemarkLogger, temporalLogger } from './loggers';

function capture() {
  const lines: string[] = [];
  const logger = createLogger({
    name: 'worker',
    env: { LOG_LEVEL: 'debug', LOG_FORMAT: 'json' },
    destination: { write: (text: string) => lines.push(text) },
  });
  return { logger, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('temporalLogger', () => {
  it("writes the SDK's lines at their level, with the error in their metadata described", () => {
    const { logger, records } = capture();
    const failure = Object.assign(new Error('gone'), { sql: 'UPDATE t SET token = "tok-1"', parameters: ['tok-1'] });
    temporalLogger(logger).warn('Activity failed', { error: failure, durationMs: 5 });
    temporalLogger(logger).log('DEBUG', 'Activity started', { activityType: 'refreshUserTickets' });
    expect(records()).toMatchObject([
      { level: 40, msg: 'Activity failed', durationMs: 5, error: { type: 'Error', message: 'gone' } },
      { level: 20, msg: 'Activity started', activityType: 'refreshUserTickets' },
    ]);
    expect(JSON.stringify(records())).not.toContain('tok-1');
  });
});

describe('bytemarkLogger', () => {
  it("outside an activity writes to the app's logger, marked as the Bytemark client's", () => {
    const { logger, records } = capture();
    bytemarkLogger(logger).info?.({ route: 'POST /users/login' }, 'Bytemark login succeeded');
    expect(records()).toMatchObject([{ level: 30, component: 'bytemark', route: 'POST /users/login' }]);
  });

  it("inside an activity goes through the activity's logger, which adds the workflow's context", async () => {
    const { logger, records } = capture();
    const seen: Array<{ level: LogLevel; message: string; meta?: LogMetadata }> = [];
    const activityLogger = {
      log: (level: LogLevel, message: string, meta?: LogMetadata) => seen.push({ level, message, meta }),
      trace: (message: string, meta?: LogMetadata) => seen.push({ level: 'TRACE', message, meta }),
      debug: (message: string, meta?: LogMetadata) => seen.push({ level: 'DEBUG', message, meta }),
      info: (message: string, meta?: LogMetadata) => seen.push({ level: 'INFO', message, meta }),
      warn: (message: string, meta?: LogMetadata) => seen.push({ level: 'WARN', message, meta }),
      error: (message: string, meta?: LogMetadata) => seen.push({ level: 'ERROR', message, meta }),
    };
    await new MockActivityEnvironment(undefined, { logger: activityLogger }).run(async () => {
      bytemarkLogger(logger).warn({ route: 'GET /passes', retryAfterMs: 7000 }, 'Bytemark rate limit');
    });
    expect(records()).toEqual([]);
    expect(seen).toContainEqual(
      expect.objectContaining({
        level: 'WARN',
        message: 'Bytemark rate limit',
        meta: expect.objectContaining({ component: 'bytemark', retryAfterMs: 7000, workflowId: expect.any(String) }),
      }),
    );
  });
});
