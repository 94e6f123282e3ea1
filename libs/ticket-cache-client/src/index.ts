export { requestTicketRefresh, type RefreshHandle, type RequestTicketRefreshOptions } from './request-ticket-refresh';
export type { RefreshMode, RefreshOutcome, RefreshSummary, RefreshTrigger } from '@btc/workflows';
