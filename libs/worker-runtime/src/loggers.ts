import { Context } from '@temporalio/activity';
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import type { BytemarkLogger } from '@btc/bytemark-client';
import type { Logger } from '@btc/config';

const PINO_LEVEL = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * Temporal's logger interface over a pino logger from `createLogger`, for `Runtime.install({ logger })`:
 * the SDK's lines and the workflows' and activities' `log` calls come out as the app's own lines,
 * and an error in their metadata (`Activity failed` carries `error`) goes through the one serializer.
 */
export function temporalLogger(logger: Logger): TemporalLogger {
  const log = (level: LogLevel, message: string, meta?: LogMetadata) =>
    logger[PINO_LEVEL[level] ?? 'info'](meta ?? {}, message);
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}

function activityLog(): TemporalLogger | undefined {
  try {
    return Context.current().log;
  } catch {
    return undefined; // Not inside an activity (a CLI, a script).
  }
}

/**
 * The Bytemark client's logger: inside an activity its lines go through the activity's logger (so
 * they carry the workflow id and attempt, and reach the worker's logger through the Runtime),
 * elsewhere straight to `logger`.
 */
export function bytemarkLogger(logger: Logger): BytemarkLogger {
  const at =
    (level: 'debug' | 'info' | 'warn') =>
    (obj: object, msg = ''): void => {
      const fields = { component: 'bytemark', ...obj };
      const inActivity = activityLog();
      if (inActivity) inActivity[level](msg, fields);
      else logger[level](fields, msg);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn') };
}
