import type { Command } from 'commander';
import { REFRESH_ACTIVITY, RefreshLogRepository, createSequelize } from '@btc/data';
import type { SchedulerConfig } from '../config';
import { UsageError, positiveInteger } from './context';
import { outputOf } from './output';

const KIND: Record<number, string> = {
  [REFRESH_ACTIVITY.refreshNow]: 'refresh now',
  [REFRESH_ACTIVITY.freeTicketNotification]: 'free-ticket notification',
  [REFRESH_ACTIVITY.scheduledRefresh]: 'scheduled refresh',
};

/**
 * `queue failed`: the refresh-log rows the queue gave up on, with their reasons; `queue requeue <id...>`
 * puts them back once the cause is fixed (the queue never retries a failed row by itself).
 */
export function registerQueueCommands(program: Command, config: () => SchedulerConfig): void {
  const queue = program.command('queue').description('the refresh-log queue (bytemark_ticket_refresh_log)');
  queue
    .command('failed')
    .description('rows the queue gave up on, newest first, with attempts and reason')
    .option('--limit <n>', 'rows to show', '50')
    .action(async (opts: { limit: string }, command: Command) => {
      const limit = positiveInteger(opts.limit, '--limit');
      await withRepository(config, async (repo) => {
        const rows = (await repo.listFailed({ limit })).map((r) => ({
          ...r,
          kind: KIND[r.activityType] ?? `type ${r.activityType}`,
        }));
        outputOf(command).result(
          rows,
          rows.length === 0
            ? ['no failed rows']
            : rows.map(
                (r) =>
                  `row ${r.id}  user ${r.userId}  ${r.kind}  failed ${r.failedOn.toISOString()} after ${r.attempts} attempts: ${r.reason}`,
              ),
        );
      });
    });
  queue
    .command('requeue <rowIds...>')
    .description('put failed rows back in the queue (pending, attempts reset)')
    .action(async (rowIds: string[], _opts: object, command: Command) => {
      const ids = rowIds.map((v) => {
        const id = Number(v);
        if (!Number.isSafeInteger(id) || id <= 0) throw new UsageError(`row id must be a positive integer, got "${v}"`);
        return id;
      });
      await withRepository(config, async (repo) => {
        const requeued = await repo.requeueFailed(ids);
        outputOf(command).result({ requested: ids.length, requeued }, [
          `requeued ${requeued} of ${ids.length} rows (rows that were not failed are left as they are)`,
        ]);
      });
    });
}

async function withRepository(config: () => SchedulerConfig, run: (repo: RefreshLogRepository) => Promise<void>) {
  const sequelize = createSequelize(config().mysqlUrl, { logging: false });
  try {
    await run(new RefreshLogRepository(sequelize));
  } finally {
    await sequelize.close();
  }
}
