import type { BytemarkActivities, RefreshQueueActivities, TicketCacheActivities } from '@btc/workflows';
import { createBytemarkActivities, type BytemarkActivityDeps } from './bytemark.activities';
import { createRefreshQueueActivities, type RefreshQueueActivityDeps } from './refresh-queue.activities';
import { createTicketCacheActivities, type TicketCacheActivityDeps } from './ticket-cache.activities';
import { withHeartbeats } from './heartbeat';

export { createBytemarkActivities, type BytemarkActivityDeps } from './bytemark.activities';
export { createRefreshQueueActivities, type RefreshQueueActivityDeps } from './refresh-queue.activities';
export { createTicketCacheActivities, type TicketCacheActivityDeps } from './ticket-cache.activities';
export { FREE_TICKET_NOTIFICATION, NotificationError, PushNotifier, SlackNotifier } from './notifiers';
export { reconcilePasses, TERMINAL_STATUSES, type ReconcileOutput, type ReconcileParams } from './reconcile-passes';
export { toTemporalFailure } from './temporal-failures';

export type ActivityDeps = BytemarkActivityDeps & TicketCacheActivityDeps & RefreshQueueActivityDeps;

export interface Activities {
  /** For the Bytemark queue (rate-limited worker). */
  bytemark: BytemarkActivities;
  /** For the workflows' queue: database work, the legacy queue and alerts. */
  ticketCache: TicketCacheActivities & RefreshQueueActivities;
}

/** Every activity, from its dependencies; the worker's main is the only place that builds them. */
export function createActivities(deps: ActivityDeps): Activities {
  return {
    bytemark: withHeartbeats(createBytemarkActivities(deps)),
    ticketCache: withHeartbeats({ ...createTicketCacheActivities(deps), ...createRefreshQueueActivities(deps) }),
  };
}
