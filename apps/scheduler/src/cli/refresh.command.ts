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
import { confirmDestructive } from './confirm';
import { CliError, parseUserId, positiveInteger, withTemporal, workflowUrl } from './context';
import { formatText, outputOf } from './output';

const modeOption = new Option('--mode <mode>', 'check | if-stale | build')
  .choices(['check', 'if-stale', 'build'])
  .default('check');

export function registerRefreshCommands(program: Command, config: () => SchedulerConfig): void {
  program
    .command('refresh <userId>')
    .description("refresh one user's cache now (attaches to a refresh already running)")
    .addOption(modeOption)
    .option('--wait', 'wait for the summary')
    .action((userIdArg: string, opts: { mode: RefreshMode; wait?: boolean }, command: Command) => {
      const userId = parseUserId(userIdArg);
      const out = outputOf(command);
      return withTemporal(config(), async (client) => {
        const request = { mode: opts.mode, trigger: 'manual' } as const;
        const workflowId = refreshWorkflowId(userId);
        const url = workflowUrl(config(), workflowId);
        out.note(`refresh: ${url}`);
        if (!opts.wait) {
          await requestTicketRefresh(client, userId, request);
          out.result({ userId, workflowId, url }, ['requested (--wait prints the summary)']);
          return;
        }
        const summary = await requestTicketRefresh(client, userId, { ...request, wait: true });
        out.result({ userId, workflowId, url, summary }, formatText(summary));
      });
    });

  program
    .command('sweep')
    .description('start a sweep over every token user now (the hourly job, on demand)')
    .addOption(
      new Option('--mode <mode>', 'check | if-stale | build')
        .choices(['check', 'if-stale', 'build'])
        .default('if-stale'),
    )
    .option('--max-in-flight <n>', 'users refreshed at once per batch', (v) => positiveInteger(v, '--max-in-flight'))
    .option('--wait', 'follow its progress (on stderr, on a terminal) and print the final summary')
    .option('--yes', 'with --mode build: rebuild every cache without asking')
    .action(
      async (opts: { mode: RefreshMode; maxInFlight?: number; wait?: boolean; yes?: boolean }, command: Command) => {
        const out = outputOf(command);
        // A build rewrites every cache from Bytemark: a full hour of rate budget at scale.
        if (opts.mode === 'build')
          await confirmDestructive('rebuild every cache from Bytemark (sweep --mode build)', opts);
        return withTemporal(config(), async (client) => {
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
          const url = workflowUrl(config(), workflowId);
          out.note(`sweep: ${url}`);
          if (!opts.wait) {
            out.result({ workflowId, url }, ['started (--wait follows it)']);
            return;
          }
          const done = handle.result();
          let finished = false;
          void done.finally(() => (finished = true)).catch(() => undefined);
          while (!finished) {
            const progress = await handle.query(sweepProgressQuery).catch(() => null);
            if (progress) out.progress(progressBar(progress));
            await Promise.race([done.catch(() => undefined), new Promise((r) => setTimeout(r, 1000))]);
          }
          const summary = await done;
          out.endProgress();
          out.result({ workflowId, url, summary }, [progressBar(summary), ...formatText(summary)]);
        });
      },
    );

  program
    .command('bootstrap')
    .description('build every cache if the collection is empty (buildCacheIfEmpty); --backfill builds missing ones')
    .option('--backfill', 'build caches for token users that have none, even if others exist')
    .option('--wait', 'wait for the result')
    .action((opts: { backfill?: boolean; wait?: boolean }, command: Command) => {
      const out = outputOf(command);
      return withTemporal(config(), async (client) => {
        const handle = await client.workflow.start(bootstrapTicketCachesWorkflow, {
          workflowId: bootstrapWorkflowId(),
          taskQueue: TICKET_CACHE_TASK_QUEUE,
          args: [{ backfill: opts.backfill, maxInFlight: config().sweepMaxInFlight }],
          workflowIdConflictPolicy: 'USE_EXISTING',
          priority: { priorityKey: PRIORITY.sweep },
          staticSummary: opts.backfill ? 'Backfill missing caches (operator CLI)' : 'Bootstrap (operator CLI)',
        });
        const url = workflowUrl(config(), handle.workflowId);
        out.note(`bootstrap: ${url}`);
        if (!opts.wait) {
          out.result({ workflowId: handle.workflowId, url }, ['started (--wait prints the result)']);
          return;
        }
        const result = await handle.result();
        out.result({ workflowId: handle.workflowId, url, result }, formatText(result));
      });
    });
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
