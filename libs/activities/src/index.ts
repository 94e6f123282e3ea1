import type { BytemarkActivities, TicketCacheActivities } from '@btc/workflows';
import { createBytemarkActivities, type BytemarkActivityDeps } from './bytemark.activities';
import { createTicketCacheActivities, type TicketCacheActivityDeps } from './ticket-cache.activities';

export { createBytemarkActivities, type BytemarkActivityDeps } from './bytemark.activities';
export { createTicketCacheActivities, type TicketCacheActivityDeps } from './ticket-cache.activities';
export { reconcilePasses, TERMINAL_STATUSES, type ReconcileOutput, type ReconcileParams } from './reconcile-passes';
export { toTemporalFailure } from './temporal-failures';

export type ActivityDeps = BytemarkActivityDeps & TicketCacheActivityDeps;

/** Every activity, from its dependencies; the worker's main is the only place that builds them. */
export function createActivities(deps: ActivityDeps): { bytemark: BytemarkActivities; ticketCache: TicketCacheActivities } {
  return { bytemark: createBytemarkActivities(deps), ticketCache: createTicketCacheActivities(deps) };
}
