export {
  FAILURE_TYPES,
  MAX_INLINE_INTERACTIONS,
  type AlertActivities,
  type IngestResult,
  type PassInteractionInput,
  type PurgeActivities,
  type RefreshQueueActivities,
  type ResearchActivities,
  type StagingActivities,
  type SweepActivities,
  type UserRefreshActivities,
} from './activity-contracts';
export {
  CALLS_PER_REFRESH,
  HOURLY_SCHEDULE_ID,
  INVALID_INPUT_FAILURE,
  INVALID_INGEST_INPUT_FAILURE,
  PRIORITY,
  PURGE_PROGRESS_QUERY,
  RATE_LIMIT_CLI_COMMAND,
  REFRESH_FAILED_SIGNAL,
  REFRESH_QUEUE_SCHEDULE_ID,
  REFRESH_REQUESTED_SIGNAL,
  SEARCH_ATTRIBUTES,
  SERVER_RATE_SHARE,
  SWEEP_PROGRESS_QUERY,
  SWEEP_START_USERS_MINUTES,
  TICKET_CACHE_TASK_QUEUE,
  batchWorkflowId,
  bootstrapWorkflowId,
  bytemarkTaskQueue,
  ingestWorkflowId,
  onDemandAlertsWorkflowId,
  parseRefreshId,
  purgeWorkflowId,
  refreshId,
  refreshWorkflowId,
  type RefreshRef,
  serverRefreshRate,
  sweepWorkflowId,
  userActivityId,
} from './ids';
export type { IngestInput } from './ingest-pass-interactions.workflow';
export { refreshStartOptions, type RefreshStartOptions } from './refresh-start-options';
export type { BootstrapInput, BootstrapResult } from './bootstrap-ticket-caches.workflow';
export type { RefreshQueueInput, RefreshQueueResult } from './process-refresh-log-queue.workflow';
export { OUTCOME_KEY, TRIGGER_KEY, USER_IDS_KEY, USER_ID_KEY } from './search-attributes';
export { describeDigest, type FailureDigest } from './failure-digest';
export { NO_CHANGES } from './refresh-summary';
export { MAX_SEARCH_ATTRIBUTE_VALUE_BYTES, chunkByValueBytes } from './batch-chunks';
export type {
  BatchInput,
  BatchResult,
  OutcomeCounts,
  PurgeInput,
  PurgePass,
  PurgeProgress,
  PurgeResult,
  RefreshFailure,
  RefreshInput,
  RefreshMode,
  RefreshOutcome,
  RefreshSummary,
  RefreshTrigger,
  SweepInput,
  SweepCursor,
  SweepPage,
  SweepProgress,
  SweepStart,
  SweepSelect,
  UserRefreshInput,
} from './types';

/**
 * Absolute path of the workflow bundle entry, for `Worker.create({ workflowsPath })` in development and for
 * `bundleWorkflowCode` at build time. Empty in the compiled apps (esbuild inlines this file into `dist/main.js`,
 * next to which there is no `./workflows`): they run the prebuilt bundle, and `require.resolve` must not throw
 * while they load.
 */
export const workflowsPath = resolveWorkflowsPath();

function resolveWorkflowsPath(): string {
  try {
    return require.resolve('./workflows');
  } catch {
    return '';
  }
}
