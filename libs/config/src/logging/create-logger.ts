import pino, { type DestinationStream, type Logger } from 'pino';
import type { Env } from '../load-config';
import { describeError, isError, redactSecrets, redactUrlCredentials, replaceAll } from './describe-error';
import { knownSecrets } from './known-secrets';
import { prettyLine } from './pretty-lines';

export type { Logger } from 'pino';

export type LogFormat = 'json' | 'pretty';

export interface CreateLoggerOptions {
  /** The app or CLI (`worker`, `scheduler`, `migrate`): each line's `name`. */
  name: string;
  /**
   * The app's environment (`process.env`): `LOG_LEVEL` (default `info`), `LOG_FORMAT` (`json` or
   * `pretty`; default pretty when the output is a terminal outside production, JSON otherwise),
   * `NODE_ENV`, and the secret values removed from every line (`knownSecrets`).
   */
  env: Env;
  /** Where the lines go; default `process.stdout`. */
  destination?: { write(text: string): unknown; isTTY?: boolean };
}

const LEVELS: ReadonlySet<string> = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** `LOG_FORMAT` when set, else pretty for a terminal outside production, else JSON. */
export function logFormat(env: Env, isTTY: boolean): LogFormat {
  const format = env['LOG_FORMAT']?.trim().toLowerCase();
  if (format === 'json' || format === 'pretty') return format;
  return isTTY && env['NODE_ENV'] !== 'production' ? 'pretty' : 'json';
}

/** How deep inside a logged object errors are still found (`{ failure: { cause: error } }`). */
const ERROR_SEARCH_DEPTH = 4;

/**
 * `value` with every Error in it (top level, in plain objects and arrays, a few levels down) replaced
 * by its description; the same object when there is none. An Error left in place would be written
 * with its enumerable fields: Sequelize's `sql` and `parameters`, axios's `config`.
 */
function describeErrorsIn(value: unknown, describe: (error: unknown) => unknown, depth: number): unknown {
  if (isError(value)) return describe(value);
  if (depth >= ERROR_SEARCH_DEPTH || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const next = describeErrorsIn(item, describe, depth + 1);
      if (next !== item) (copy ??= [...value])[i] = next;
    });
    return copy ?? value;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const next = describeErrorsIn(item, describe, depth + 1);
    if (next !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = next;
  }
  return copy ?? value;
}

/**
 * The one logger setup every app and CLI uses: pino with one error serializer. Any value logged
 * that is an Error (under `err`, Temporal's `error`, any key, a few levels deep) is written as
 * `describeError` describes it: type, code, message and a bounded cause chain, never a driver's
 * config, SQL or parameters. Every line is then stripped of URL credentials and of the secret values
 * of `env`, a second net under the serializer. Lines are JSON in production (and whenever the output
 * is not a terminal), readable lines in a terminal.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const out = options.destination ?? process.stdout;
  const env = options.env;
  const secrets = knownSecrets(env);
  // The secrets as they appear inside a JSON string (a quote or backslash in a password is escaped).
  const lineSecrets = [...new Set(secrets.flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))];
  const pretty = logFormat(env, out.isTTY === true) === 'pretty';
  const color = pretty && out.isTTY === true && env['NO_COLOR'] === undefined;
  const requested = env['LOG_LEVEL']?.trim().toLowerCase() ?? 'info';
  const level = LEVELS.has(requested) ? requested : 'info';
  const describe = (value: unknown) => describeError(value, { secrets });

  const destination: DestinationStream = {
    write(line: string) {
      const safe = replaceAll(redactUrlCredentials(line), lineSecrets);
      out.write(pretty ? prettyLine(safe.trimEnd(), { color }) : safe);
    },
  };

  const logger = pino(
    {
      name: options.name,
      level,
      base: { pid: process.pid },
      serializers: { err: (value: unknown) => (isError(value) ? describe(value) : value) },
      formatters: {
        log(object) {
          return describeErrorsIn(object, describe, 0) as Record<string, unknown>;
        },
      },
      hooks: {
        logMethod(args, method) {
          const list = [...(args as unknown[])];
          // `logger.error(error)` would print the raw message: give pino the described one.
          if (isError(list[0]) && list[1] === undefined) {
            return method.apply(this, [{ err: list[0] }, describe(list[0]).message] as never);
          }
          const at = typeof list[0] === 'string' ? 0 : 1;
          const message = list[at];
          if (typeof message === 'string') list[at] = redactSecrets(message, secrets);
          return method.apply(this, list as never);
        },
      },
    },
    destination,
  );
  if (level !== requested) logger.warn(`LOG_LEVEL is not one of ${[...LEVELS].join(', ')}; using ${level}`);
  return logger;
}
