export { ingestPassInteractions, type IngestOptions, type StagingPort } from './ingest-pass-interactions';
export { requestTicketRefresh, type RefreshHandle, type RequestTicketRefreshOptions } from './request-ticket-refresh';
export type {
  IngestResult,
  PassInteractionInput,
  RefreshMode,
  RefreshOutcome,
  RefreshSummary,
  RefreshTrigger,
} from '@btc/workflows';
