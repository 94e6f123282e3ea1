import type { Command } from 'commander';
import { createSequelize, readPaceControls, writePaceControls } from '@btc/data';
import { TICKET_CACHE_TASK_QUEUE, bytemarkTaskQueue, serverRefreshRate } from '@btc/workflows';
import type { SchedulerConfig } from '../config';
import { formatCapacity, readCapacity, type Capacity } from './capacity';
import { CliError, UsageError, withTemporal } from './context';
import { outputOf } from './output';
import {
  readServerRateLimit,
  setServerRateLimit,
  type ServerRateLimit,
  type ServerRateLimitUpdate,
} from './server-rate-limit';

/** The highest limit the CLI accepts: far above any Bytemark contract, low enough to catch a typo of units. */
const MAX_RATE_LIMIT_RPS = 10_000;

/**
 * `bytemark controls | rate-limit | pause | resume`: the operator's live controls, without a
 * redeploy. They live in MySQL (`bytemark_call_pace`), which every worker's call pacer re-reads
 * every few seconds, and the rate limit is also set on the Bytemark task queue in Temporal (where
 * the server offers task-queue config), so its backlog still forms where priority orders it.
 * A pause makes every refresh answer `paused` without a Bytemark call, and sweeps end at once.
 */
export function registerBytemarkCommands(program: Command, config: () => SchedulerConfig): void {
  const bytemark = program
    .command('bytemark')
    .description('live controls of the Bytemark calls: rate limit, pause and resume (no redeploy)');
  const taskQueue = bytemarkTaskQueue(TICKET_CACHE_TASK_QUEUE);

  bytemark
    .command('controls')
    .description("show the limit in force, a pause, the Temporal queue's limit and the capacity they give")
    .action(async (_opts: object, command: Command) => {
      const out = outputOf(command);
      const capacity = await withMysql(config, (sequelize) => capacityOf(config, sequelize));
      const server = await withTemporal(config(), (client) => readServerRateLimit(client, taskQueue)).catch(
        (error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }),
      );
      out.result({ capacity, serverRateLimit: server }, [...formatCapacity(capacity), serverLine(server)]);
    });

  bytemark
    .command('rate-limit [callsPerSecond]')
    .description(
      'set the Bytemark rate limit of every worker, live (calls/s); --reset goes back to BYTEMARK_RATE_LIMIT_RPS',
    )
    .option('--reset', "clear the operator's limit: the workers' BYTEMARK_RATE_LIMIT_RPS applies again")
    .option('--reason <text>', 'why (shown by `bytemark controls` and `temporal task-queue config get`)')
    .action(async (value: string | undefined, opts: { reset?: boolean; reason?: string }, command: Command) => {
      const rps = parseRateLimit(value, opts.reset);
      const out = outputOf(command);
      const reason =
        opts.reason ?? (rps === null ? 'reset by bytemark rate-limit --reset' : `bytemark rate-limit ${rps}`);
      // MySQL first: the pacer is the exact ceiling, and it must follow even if Temporal cannot be reached.
      const capacity = await withMysql(config, async (sequelize) => {
        await writePaceControls(sequelize, { rateLimitRps: rps });
        return capacityOf(config, sequelize);
      });
      const server = await withTemporal(config(), (client) =>
        setServerRateLimit(client, taskQueue, rps === null ? null : serverRefreshRate(rps), reason),
      ).catch((error: unknown): ServerRateLimitUpdate => ({
        applied: false,
        unsupported: false,
        reason: error instanceof Error ? error.message : String(error),
      }));
      const pacer =
        rps === null
          ? `rate limit reset: each worker's BYTEMARK_RATE_LIMIT_RPS applies again (here ${config().bytemark.rateLimitRps} calls/s)`
          : `rate limit ${rps} calls/s: every worker's pacer follows within a few seconds`;
      out.result({ capacity, serverRateLimit: server }, [pacer, ...formatCapacity(capacity), updateLine(server)]);
      failIfServerFailed(server, 'the pacer follows the new limit');
    });

  bytemark
    .command('pause')
    .description('pause Bytemark calls (an outage): refreshes answer paused and keep the caches as they are')
    .option('--reason <text>', 'why (shown by status, doctor and the refreshes that answer paused)', '')
    .action(async (opts: { reason: string }, command: Command) => {
      const out = outputOf(command);
      const capacity = await withMysql(config, async (sequelize) => {
        const existing = await readPaceControls(sequelize);
        // Pausing again keeps the first pause's time (how long the outage has lasted), and takes the new reason.
        const at = existing.paused?.at ?? Math.floor(Date.now() / 1000);
        await writePaceControls(sequelize, { paused: { at, reason: opts.reason } });
        return capacityOf(config, sequelize);
      });
      out.result({ capacity }, [
        'paused: refreshes answer `paused` without calling Bytemark, sweeps end at once (`bytemark resume` to undo)',
        ...formatCapacity(capacity),
      ]);
    });

  bytemark
    .command('resume')
    .description('resume Bytemark calls after a pause')
    .action(async (_opts: object, command: Command) => {
      const out = outputOf(command);
      const { capacity, was } = await withMysql(config, async (sequelize) => {
        const before = await readPaceControls(sequelize);
        await writePaceControls(sequelize, { paused: null });
        return { capacity: await capacityOf(config, sequelize), was: before.paused };
      });
      out.result({ capacity, wasPausedSince: was ? new Date(was.at * 1000).toISOString() : null }, [
        was
          ? `resumed: refreshes call Bytemark again (paused since ${new Date(was.at * 1000).toISOString()}); the next sweep catches up oldest first`
          : 'not paused: nothing changed',
        ...formatCapacity(capacity),
      ]);
    });
}

function parseRateLimit(value: string | undefined, reset: boolean | undefined): number | null {
  if (reset) {
    if (value !== undefined) throw new UsageError('give either a rate limit or --reset, not both');
    return null;
  }
  if (value === undefined)
    throw new UsageError('give the rate limit in calls per second (e.g. `bytemark rate-limit 40`), or --reset');
  const rps = Number(value);
  if (!Number.isFinite(rps) || rps <= 0 || rps > MAX_RATE_LIMIT_RPS || !/^\d+(\.\d+)?$/.test(value)) {
    throw new UsageError(
      `the rate limit must be a number of calls per second above 0, at most ${MAX_RATE_LIMIT_RPS}; got "${value}"`,
    );
  }
  return rps;
}

async function withMysql<T>(
  config: () => SchedulerConfig,
  run: (sequelize: ReturnType<typeof createSequelize>) => Promise<T>,
): Promise<T> {
  const sequelize = createSequelize(config().mysqlUrl, { logging: false, pool: { max: 2 } });
  try {
    return await run(sequelize);
  } finally {
    await sequelize.close();
  }
}

function capacityOf(config: () => SchedulerConfig, sequelize: ReturnType<typeof createSequelize>): Promise<Capacity> {
  return readCapacity(sequelize, {
    ttlSeconds: config().cache.ttlSeconds,
    configuredRps: config().bytemark.rateLimitRps,
  });
}

function serverLine(server: ServerRateLimit | { error: string }): string {
  if ('error' in server) return `temporal queue:     not read (${server.error})`;
  const api =
    server.apiRefreshesPerSecond === null
      ? 'none set through the API'
      : `${round(server.apiRefreshesPerSecond)} refreshes/s set through the API${server.reason ? ` ("${server.reason}")` : ''}`;
  const effective =
    server.effectiveRefreshesPerSecond === null
      ? ''
      : `; in force ${round(server.effectiveRefreshesPerSecond)} refreshes/s (${server.source ?? '?'})`;
  return `temporal queue:     ${server.taskQueue}: ${api}${effective}`;
}

function updateLine(server: ServerRateLimitUpdate): string {
  if (server.applied) return serverLine(server.limit);
  return server.unsupported
    ? `temporal queue:     not set: this server does not offer task-queue config (${server.reason}); the pacer alone applies the limit`
    : `temporal queue:     NOT set: ${server.reason}`;
}

/** The pacer's limit is set; a server that could have taken the limit and failed is an error to retry. */
function failIfServerFailed(server: ServerRateLimitUpdate, done: string): void {
  if (!server.applied && !server.unsupported) {
    throw new CliError(
      `${done}, but setting the Temporal task queue's limit failed: run the command again (${server.reason})`,
    );
  }
}

const round = (n: number) => Math.round(n * 100) / 100;
