/** The workflow bundle's entry point: every workflow type the worker registers. */
export { refreshTicketCacheWorkflow } from './refresh-ticket-cache.workflow';
