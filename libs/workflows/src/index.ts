export {
  FAILURE_TYPES,
  type BytemarkActivities,
  type RefreshQueueActivities,
  type TicketCacheActivities,
} from './activity-contracts';
export {
  HOURLY_SCHEDULE_ID,
  REFRESH_QUEUE_SCHEDULE_ID,
  SEARCH_ATTRIBUTES,
  TICKET_CACHE_TASK_QUEUE,
  bootstrapWorkflowId,
  bytemarkTaskQueue,
  ingestWorkflowId,
  refreshWorkflowId,
  sweepWorkflowId,
} from './ids';
export { OUTCOME_KEY, TRIGGER_KEY, USER_ID_KEY } from './search-attributes';
export type {
  CacheState,
  FetchPassesInput,
  FetchPassesResult,
  PassSource,
  ReconcileInput,
  ReconcileResult,
  RefreshInput,
  RefreshMode,
  RefreshOutcome,
  RefreshSummary,
  RefreshTrigger,
  SweepInput,
  SweepPage,
  SweepProgress,
  SweepSelect,
  WriteRefreshLogsInput,
  WriteRefreshLogsResult,
} from './types';

/** Absolute path of the workflow bundle entry, for `Worker.create({ workflowsPath })` in development. */
export const workflowsPath = require.resolve('./workflows');
