import type { Client } from '@temporalio/client';
import { PRIORITY, TICKET_CACHE_TASK_QUEUE, bootstrapWorkflowId } from '@btc/workflows';
import { bootstrapTicketCachesWorkflow } from '@btc/workflows/workflows';
import { allSchedules, ensureSchedule, ensureSearchAttributes, type ScheduleSettings } from '@btc/schedules';

export interface SetupReport {
  searchAttributesAdded: string[];
  schedules: Record<string, 'created' | 'updated'>;
  bootstrapWorkflowId: string;
}

/**
 * Thrown by `runSchedulerSetup` when its signal was aborted (SIGTERM during a rollout): the step that was
 * running finished, the later ones did not run. Setup is idempotent: the next run does the rest.
 */
export class SetupInterruptedError extends Error {
  constructor(
    readonly done: readonly string[],
    readonly notRun: readonly string[],
    readonly signal: string,
  ) {
    super(
      `${signal}: setup stopped after ${done.length ? done.join(', ') : 'no step'}; not run: ${notRun.join(', ')}. ` +
        'Setup is safe to repeat: run the scheduler again to finish it.',
    );
    this.name = 'SetupInterruptedError';
  }
}

/**
 * What the scheduler does at start: registers missing search attributes (or, where it cannot, stops with
 * the commands that add them: `SearchAttributesMissingError`), ensures both schedules (create-or-update),
 * and starts the bootstrap, which builds every cache only when the collection is empty (it decides; a
 * second start attaches to a running bootstrap). When `signal` aborts, the running step finishes and the
 * next ones do not start (`SetupInterruptedError`).
 */
export async function runSchedulerSetup(
  client: Client,
  namespace: string,
  settings: ScheduleSettings = { taskQueue: TICKET_CACHE_TASK_QUEUE, maxInFlight: 20 },
  signal?: AbortSignal,
): Promise<SetupReport> {
  const schedules: SetupReport['schedules'] = {};
  const report: SetupReport = { searchAttributesAdded: [], schedules, bootstrapWorkflowId: bootstrapWorkflowId() };
  const steps: Array<[string, () => Promise<void>]> = [
    [
      'search attributes',
      async () => void (report.searchAttributesAdded = await ensureSearchAttributes(client, namespace)),
    ],
    ...allSchedules(settings).map((options): [string, () => Promise<void>] => [
      `schedule ${options.scheduleId}`,
      async () => void (schedules[options.scheduleId] = await ensureSchedule(client, options)),
    ]),
    [
      'bootstrap',
      async () => {
        const handle = await client.workflow.start(bootstrapTicketCachesWorkflow, {
          workflowId: bootstrapWorkflowId(),
          taskQueue: settings.taskQueue,
          args: [{ maxInFlight: settings.maxInFlight }],
          workflowIdConflictPolicy: 'USE_EXISTING',
          priority: { priorityKey: PRIORITY.sweep },
          staticSummary: 'Bootstrap: build every cache if the collection is empty (buildCacheIfEmpty)',
        });
        report.bootstrapWorkflowId = handle.workflowId;
      },
    ],
  ];
  for (const [index, [, run]] of steps.entries()) {
    if (signal?.aborted) {
      const names = steps.map(([name]) => name);
      throw new SetupInterruptedError(names.slice(0, index), names.slice(index), String(signal.reason ?? 'aborted'));
    }
    await run();
  }
  return report;
}
