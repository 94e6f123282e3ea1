import type { Command } from 'commander';
import type { Client } from '@temporalio/client';
import {
  DEFAULT_ORPHAN_GRACE_SECONDS,
  OrphanCaches,
  QuarantineRepository,
  TicketCacheRepository,
  TicketCacheStateRepository,
  TicketLogRepository,
  UserPurge,
  UserTombstonesRepository,
  connectMongo,
  createSequelize,
  type OrphanCacheReport,
  type PurgedData,
} from '@btc/data';
import { TICKET_CACHE_TASK_QUEUE, USER_ID_KEY, purgeWorkflowId, type PurgeProgress } from '@btc/workflows';
import { purgeProgressQuery, purgeUserCacheWorkflow } from '@btc/workflows/workflows';
import type { SchedulerConfig } from '../config';
import { confirmDestructive } from './confirm';
import { CliError, parseUserId, withTemporal, workflowUrl } from './context';
import { outputOf } from './output';

/** How long `cache purge --yes` waits for a worker to run the purge's first pass. */
const FIRST_PASS_WAIT_MS = 60_000;

/**
 * `cache purge <userId>`: a deleted rider's ticket data, removed for good (`purgeUserCacheWorkflow`).
 * Without `--yes` it only says what would go and exits non-zero, like `migrate down`.
 * `cache purge-orphans`: caches of users with no `bytemark_tokens` row, past a grace period; a dry run
 * unless `--execute`.
 */
export function registerCachePurgeCommands(cache: Command, config: () => SchedulerConfig): void {
  cache
    .command('purge <userId>')
    .description(
      "remove a deleted rider's ticket data for good: tombstone, cache document, audit entries, quarantined effects, " +
        'refresh state; sweeps and refreshes skip the user from then on. Needs --yes',
    )
    .option('--yes', 'purge without asking (without it: what would be removed, then a confirmation on a terminal)')
    .option('--settle-minutes <n>', 'minutes before the second pass (what a refresh already running wrote)', '15')
    .option('--task-queue <name>', "the workers' task queue (WORKER_TASK_QUEUE)", TICKET_CACHE_TASK_QUEUE)
    .action(
      async (
        userIdArg: string,
        opts: { yes?: boolean; settleMinutes: string; taskQueue: string },
        command: Command,
      ) => {
        const userId = parseUserId(userIdArg);
        const settleMinutes = Number(opts.settleMinutes);
        if (!(settleMinutes >= 0 && settleMinutes <= 24 * 60)) {
          throw new CliError(`--settle-minutes must be a number from 0 to 1440, got "${opts.settleMinutes}"`);
        }
        const out = outputOf(command);
        if (!opts.yes) {
          // What would go, then the one gate of destructive commands: a terminal is asked, a script refused.
          const preview = await withPurge(config, (purge) => purge.preview(userId));
          out.note(`cache purge of user ${userId} would remove: ${describeData(preview.present)}`);
          if (preview.tombstone)
            out.note(`user ${userId} was purged before, at ${isoSeconds(preview.tombstone.purgedAt)}`);
          await confirmDestructive(`purge user ${userId}'s ticket data for good`, opts);
        }
        const progress = await withTemporal(config(), (client) =>
          runPurge(client, { userId, taskQueue: opts.taskQueue, settleSeconds: Math.round(settleMinutes * 60) }),
        );
        const first = progress.first!;
        const url = workflowUrl(config(), purgeWorkflowId(userId));
        const secondPassAt = progress.secondPassAtMs === null ? null : new Date(progress.secondPassAtMs).toISOString();
        out.result({ userId, purged: true, purgedAt: first.purgedAt, removed: first.removed, secondPassAt, url }, [
          `user ${userId} purged (tombstone of ${isoSeconds(first.purgedAt)}): removed ${describeData(first.removed)}`,
          `a second pass at ${secondPassAt ?? 'once the first is recorded'} removes what a refresh already running wrote: ${url}`,
        ]);
      },
    );

  cache
    .command('purge-orphans')
    .description(
      'remove the caches (and refresh state) of users with no bytemark_tokens row, last written longer than the grace ' +
        'period ago; prints them unless --execute',
    )
    .option('--execute', 'actually delete (default: dry run)')
    .option(
      '--grace-days <n>',
      'keep an orphaned cache this many days after its last write',
      String(DEFAULT_ORPHAN_GRACE_SECONDS / 86400),
    )
    .action(async (opts: { execute?: boolean; graceDays: string }, command: Command) => {
      const graceDays = Number(opts.graceDays);
      if (!(graceDays >= 0 && graceDays <= 3650)) {
        throw new CliError(`--grace-days must be a number from 0 to 3650, got "${opts.graceDays}"`);
      }
      const { mysqlUrl, mongoUrl } = config();
      const sequelize = createSequelize(mysqlUrl, { logging: false });
      const mongo = await connectMongo(mongoUrl);
      try {
        const orphans = new OrphanCaches({
          sequelize,
          cache: new TicketCacheRepository(mongo),
          states: new TicketCacheStateRepository(sequelize),
        });
        const report = await orphans.run({
          execute: Boolean(opts.execute),
          graceSeconds: Math.round(graceDays * 86400),
          now: Math.floor(Date.now() / 1000),
        });
        outputOf(command).result(report, formatOrphanReport(report));
      } finally {
        await Promise.allSettled([sequelize.close(), mongo.close()]);
      }
    });
}

/** Starts the user's purge (or attaches to one running) and waits for its first pass. */
async function runPurge(
  client: Client,
  p: { userId: number; taskQueue: string; settleSeconds: number },
): Promise<PurgeProgress> {
  const handle = await client.workflow.start(purgeUserCacheWorkflow, {
    workflowId: purgeWorkflowId(p.userId),
    taskQueue: p.taskQueue,
    args: [{ userId: p.userId, settleSeconds: p.settleSeconds }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    typedSearchAttributes: [{ key: USER_ID_KEY, value: p.userId }],
    staticSummary: `Purge the ticket data of deleted rider ${p.userId}`,
  });
  const deadline = Date.now() + FIRST_PASS_WAIT_MS;
  for (;;) {
    const progress = await handle.query(purgeProgressQuery).catch(() => null);
    if (progress?.first) return progress;
    if (Date.now() > deadline) {
      throw new CliError(
        `the purge of user ${p.userId} was started, but no worker ran its first pass within ${FIRST_PASS_WAIT_MS / 1000} s ` +
          `(is a worker polling ${p.taskQueue}?); it runs once one does. Workflow: ${handle.workflowId}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function withPurge<T>(config: () => SchedulerConfig, run: (purge: UserPurge) => Promise<T>): Promise<T> {
  const { mysqlUrl, mongoUrl } = config();
  const sequelize = createSequelize(mysqlUrl, { logging: false });
  const mongo = await connectMongo(mongoUrl);
  try {
    return await run(
      new UserPurge({
        tombstones: new UserTombstonesRepository(sequelize),
        cache: new TicketCacheRepository(mongo),
        logs: new TicketLogRepository(mongo),
        quarantine: new QuarantineRepository(mongo),
        states: new TicketCacheStateRepository(sequelize),
      }),
    );
  } finally {
    await Promise.allSettled([sequelize.close(), mongo.close()]);
  }
}

function describeData(d: PurgedData): string {
  return [
    d.cacheDocument ? 'the cache document' : 'no cache document',
    `${d.auditEntries} audit entries`,
    `${d.quarantined} quarantined effects`,
    d.schedulingState ? 'the refresh state' : 'no refresh state',
  ].join(', ');
}

function isoSeconds(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString();
}

/** The orphan report as the operator reads it; a dry run says what `--execute` would do. */
export function formatOrphanReport(r: OrphanCacheReport): string[] {
  const days = r.graceSeconds / 86400;
  const lines = [
    `cache purge-orphans: ${r.execute ? 'deleting' : 'dry run, nothing is deleted (add --execute to delete)'}`,
    `caches read:            ${r.scanned}${r.unadopted > 0 ? ` (${r.unadopted} of the original platform not looked at: run cache adopt-legacy)` : ''}`,
    `orphaned, past ${days} days: ${r.pastGrace.length}${r.execute ? `, ${r.deleted} deleted, ${r.changedMeanwhile} written meanwhile (kept)` : ' (would be deleted)'}`,
    `orphaned, within grace: ${r.withinGrace} (kept)`,
  ];
  for (const o of r.pastGrace.slice(0, 50)) {
    lines.push(
      `  user ${o.userId}: last written ${isoSeconds(o.timestamp)}, ${Math.floor(o.ageSeconds / 86400)} days ago`,
    );
  }
  if (r.pastGrace.length > 50) lines.push(`  … and ${r.pastGrace.length - 50} more (--json lists them all)`);
  return lines;
}
