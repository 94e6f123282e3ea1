export {
  BYTEMARK_API_TASK_QUEUE,
  HOURLY_SCHEDULE_ID,
  REFRESH_QUEUE_SCHEDULE_ID,
  SEARCH_ATTRIBUTES,
  TICKET_CACHE_TASK_QUEUE,
  bootstrapWorkflowId,
  ingestWorkflowId,
  refreshWorkflowId,
  sweepWorkflowId,
} from './ids';
