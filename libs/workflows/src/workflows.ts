/** The workflow bundle's entry point: every workflow type the worker registers. */
export { refreshRequestedSignal, refreshTicketCacheWorkflow } from './refresh-ticket-cache.workflow';
export { refreshAllTicketCachesWorkflow, sweepProgressQuery } from './refresh-all-ticket-caches.workflow';
export { refreshTicketCacheBatchWorkflow } from './refresh-ticket-cache-batch.workflow';
export { bootstrapTicketCachesWorkflow } from './bootstrap-ticket-caches.workflow';
export { processRefreshLogQueueWorkflow } from './process-refresh-log-queue.workflow';
export { ingestPassInteractionsWorkflow } from './ingest-pass-interactions.workflow';
export { onDemandAlertsWorkflow, refreshFailedSignal } from './on-demand-alerts.workflow';
export { purgeProgressQuery, purgeUserCacheWorkflow } from './purge-user-cache.workflow';
