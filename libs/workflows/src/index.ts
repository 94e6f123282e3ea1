export {
  FAILURE_TYPES,
  MAX_INLINE_INTERACTIONS,
  type BytemarkActivities,
  type IngestResult,
  type PassInteractionInput,
  type RefreshQueueActivities,
  type ResearchActivities,
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
export type { IngestInput } from './ingest-pass-interactions.workflow';
export type { BootstrapInput, BootstrapResult } from './bootstrap-ticket-caches.workflow';
export type { RefreshQueueInput, RefreshQueueResult } from './process-refresh-log-queue.workflow';
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
