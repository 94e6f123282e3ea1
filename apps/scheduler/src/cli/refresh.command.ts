import { type Command, Option } from 'commander';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { requestTicketRefresh } from '@btc/ticket-cache-client';
import {
  PRIORITY,
  TICKET_CACHE_TASK_QUEUE,
  bootstrapWorkflowId,
  refreshWorkflowId,
  sweepWorkflowId,
  type RefreshMode,
  type SweepProgress,
} from '@btc/workflows';
import {
  bootstrapTicketCachesWorkflow,
  refreshAllTicketCachesWorkflow,
  sweepProgressQuery,
} from '@btc/workflows/workflows';
import type { SchedulerConfig } from '../config';
import { CliError, parseUserId, printJson, withTemporal, workflowUrl } from './context';

const modeOption = new Option('--mode <mode>', 'check | if-stale | build')
  .choices(['check', 'if-stale', 'build'])
  .default('check');

export function registerRefreshCommands(program: Command, config: () => SchedulerConfig): void {
  program
    .command('refresh <userId>')
    .description("refresh one user's cache now (attaches to a refresh already running)")
    .addOption(modeOption)
    .option('--wait', 'wait for the summary')
    .action((userIdArg: string, opts: { mode: RefreshMode; wait?: boolean }) =>
      withTemporal(config(), async (client) => {
        const userId = parseUserId(userIdArg);
        const request = { mode: opts.mode, trigger: 'manual' } as const;
        console.log(`refresh: ${workflowUrl(config(), refreshWorkflowId(userId))}`);
        if (opts.wait) printJson(await requestTicketRefresh(client, userId, { ...request, wait: true }));
        else await requestTicketRefresh(client, userId, request);
      }),
    );

  program
    .command('sweep')
    .description('start a sweep over every token user now (the hourly job, on demand)')
    .addOption(
      new Option('--mode <mode>', 'check | if-stale | build')
        .choices(['check', 'if-stale', 'build'])
        .default('if-stale'),
    )
    .option('--max-in-flight <n>', 'users refreshed at once per batch', (v) => positive(v, '--max-in-flight'))
    .option('--wait', 'follow its progress and print the final summary')
    .action((opts: { mode: RefreshMode; maxInFlight?: number; wait?: boolean }) =>
      withTemporal(config(), async (client) => {
        const workflowId = sweepWorkflowId('manual');
        const handle = await client.workflow
          .start(refreshAllTicketCachesWorkflow, {
            workflowId,
            taskQueue: TICKET_CACHE_TASK_QUEUE,
            args: [
              {
                mode: opts.mode,
                trigger: 'manual',
                select: opts.mode === 'if-stale' ? 'stale' : 'all',
                maxInFlight: opts.maxInFlight ?? config().sweepMaxInFlight,
              },
            ],
            priority: { priorityKey: PRIORITY.sweep },
            staticSummary: 'Manual sweep (operator CLI)',
          })
          .catch((error: unknown) => {
            if (error instanceof WorkflowExecutionAlreadyStartedError) {
              throw new CliError(`a manual sweep is already running: ${workflowUrl(config(), workflowId)}`);
            }
            throw error;
          });
        console.log(`sweep: ${workflowUrl(config(), workflowId)}`);
        if (!opts.wait) return;
        const done = handle.result();
        let finished = false;
        void done.finally(() => (finished = true)).catch(() => undefined);
        while (!finished) {
          const progress = await handle.query(sweepProgressQuery).catch(() => null);
          if (progress) process.stdout.write(`\r${progressBar(progress)}`);
          await Promise.race([done.catch(() => undefined), new Promise((r) => setTimeout(r, 1000))]);
        }
        const summary = await done;
        process.stdout.write(`\r${progressBar(summary)}\n`);
        printJson(summary);
      }),
    );

  program
    .command('bootstrap')
    .description('build every cache if the collection is empty (buildCacheIfEmpty); --backfill builds missing ones')
    .option('--backfill', 'build caches for token users that have none, even if others exist')
    .option('--wait', 'wait for the result')
    .action((opts: { backfill?: boolean; wait?: boolean }) =>
      withTemporal(config(), async (client) => {
        const handle = await client.workflow.start(bootstrapTicketCachesWorkflow, {
          workflowId: bootstrapWorkflowId(),
          taskQueue: TICKET_CACHE_TASK_QUEUE,
          args: [{ backfill: opts.backfill, maxInFlight: config().sweepMaxInFlight }],
          workflowIdConflictPolicy: 'USE_EXISTING',
          priority: { priorityKey: PRIORITY.sweep },
          staticSummary: opts.backfill ? 'Backfill missing caches (operator CLI)' : 'Bootstrap (operator CLI)',
        });
        console.log(`bootstrap: ${workflowUrl(config(), handle.workflowId)}`);
        if (opts.wait) printJson(await handle.result());
      }),
    );
}

function positive(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new CliError(`${name} must be a positive integer, got "${value}"`);
  return n;
}

function progressBar(p: SweepProgress): string {
  const refreshed = Object.values(p.refreshed).reduce((a, b) => a + (b ?? 0), 0);
  const done = refreshed + p.failed + p.skippedFresh;
  const width = 30;
  const filled = p.usersSeen === 0 ? 0 : Math.round((done / p.usersSeen) * width);
  return (
    `[${'#'.repeat(Math.min(filled, width)).padEnd(width, '.')}] seen ${p.usersSeen}, fresh ${p.skippedFresh}, ` +
    `refreshed ${refreshed}, failed ${p.failed}, in flight ${p.inFlight} (${p.batches} batches so far), run ${p.runs}`
  );
}
