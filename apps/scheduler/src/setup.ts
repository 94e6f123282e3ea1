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
 * What the scheduler does at start: registers missing search attributes, ensures both schedules
 * (create-or-update), and starts the bootstrap, which builds every cache only when the collection
 * is empty (it decides; a second start attaches to a running bootstrap).
 */
export async function runSchedulerSetup(
  client: Client,
  namespace: string,
  settings: ScheduleSettings = { taskQueue: TICKET_CACHE_TASK_QUEUE, maxInFlight: 20 },
): Promise<SetupReport> {
  const searchAttributesAdded = await ensureSearchAttributes(client, namespace);
  const schedules: SetupReport['schedules'] = {};
  for (const options of allSchedules(settings)) schedules[options.scheduleId] = await ensureSchedule(client, options);
  const handle = await client.workflow.start(bootstrapTicketCachesWorkflow, {
    workflowId: bootstrapWorkflowId(),
    taskQueue: settings.taskQueue,
    args: [{ maxInFlight: settings.maxInFlight }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    priority: { priorityKey: PRIORITY.sweep },
    staticSummary: 'Bootstrap: build every cache if the collection is empty (buildCacheIfEmpty)',
  });
  return { searchAttributesAdded, schedules, bootstrapWorkflowId: handle.workflowId };
}
