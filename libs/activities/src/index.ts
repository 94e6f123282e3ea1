import type {
  BytemarkActivities,
  RefreshQueueActivities,
  ResearchActivities,
  TicketCacheActivities,
} from '@btc/workflows';
import { createBytemarkActivities, type BytemarkActivityDeps } from './bytemark.activities';
import { createRefreshQueueActivities, type RefreshQueueActivityDeps } from './refresh-queue.activities';
import { createResearchActivities, type ResearchActivityDeps } from './research.activities';
import { createTicketCacheActivities, type TicketCacheActivityDeps } from './ticket-cache.activities';
import { withHeartbeats } from './heartbeat';

export { createBytemarkActivities, type BytemarkActivityDeps } from './bytemark.activities';
export { createRefreshQueueActivities, type RefreshQueueActivityDeps } from './refresh-queue.activities';
export { createResearchActivities, type ResearchActivityDeps } from './research.activities';
export { createTicketCacheActivities, toAuditEntries, type TicketCacheActivityDeps } from './ticket-cache.activities';
export { FREE_TICKET_NOTIFICATION, NotificationError, PushNotifier, SlackNotifier } from './notifiers';
export { reconcilePasses, TERMINAL_STATUSES, type ReconcileOutput, type ReconcileParams } from './reconcile-passes';
export { toTemporalFailure } from './temporal-failures';

export type ActivityDeps = BytemarkActivityDeps &
  TicketCacheActivityDeps &
  RefreshQueueActivityDeps &
  ResearchActivityDeps;

export interface Activities {
  /** For the Bytemark queue (rate-limited worker). */
  bytemark: BytemarkActivities;
  /** For the workflows' queue: database work, the legacy queue, alerts and research ingestion. */
  ticketCache: TicketCacheActivities & RefreshQueueActivities & ResearchActivities;
}

/** Every activity, from its dependencies; the worker's main is the only place that builds them. */
export function createActivities(deps: ActivityDeps): Activities {
  return {
    bytemark: withHeartbeats(createBytemarkActivities(deps)),
    ticketCache: withHeartbeats({
      ...createTicketCacheActivities(deps),
      ...createRefreshQueueActivities(deps),
      ...createResearchActivities(deps),
    }),
  };
}
