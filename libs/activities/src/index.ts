import type {
  AlertActivities,
  PurgeActivities,
  RefreshQueueActivities,
  ResearchActivities,
  StagingActivities,
  SweepActivities,
  UserRefreshActivities,
} from '@btc/workflows';
import { createAlertActivities } from './alerts.activities';
import { createPurgeActivities, type PurgeActivityDeps } from './purge.activities';
import { createRefreshQueueActivities, type RefreshQueueActivityDeps } from './refresh-queue.activities';
import { createUserRefreshActivities, type UserRefreshDeps } from './refresh-user.activity';
import { createResearchActivities, type ResearchActivityDeps } from './research.activities';
import { createStagingActivities } from './staging.activities';
import { createSweepActivities, type SweepActivityDeps } from './sweep.activities';

export { HEARTBEAT_INTERVAL_MS, activityInterceptors } from './activity-interceptors';
export { commitRefresh } from './commit-refresh';
export { FAILURE_MAP, failureRule, toActivityFailure, type FailureRule } from './failure-map';
export { fetchPassLists, listHashes, type PassLists } from './fetch-pass-lists';
export { FREE_TICKET_NOTIFICATION, PushNotifier, SlackNotifier } from './notifiers';
export { finishPendingEffects, toAuditEntries } from './pending-effects';
export { reconcilePasses, TERMINAL_STATUSES, type ReconcileOutput, type ReconcileParams } from './reconcile-passes';
export { createUserRefreshActivities, isStale, type UserRefreshDeps } from './refresh-user.activity';

export type ActivityDeps = UserRefreshDeps &
  SweepActivityDeps &
  RefreshQueueActivityDeps &
  ResearchActivityDeps &
  PurgeActivityDeps;

export interface Activities {
  /** For the rate-limited Bytemark queue: a user's refresh. */
  bytemark: UserRefreshActivities;
  /** For the workflows' queue: the sweep's reads, the refresh-log queue, alerts, research ingestion, staging cleanup, purges. */
  ticketCache: SweepActivities &
    RefreshQueueActivities &
    AlertActivities &
    ResearchActivities &
    StagingActivities &
    PurgeActivities;
}

/** Every activity, from its dependencies; the worker's main is the only place that builds them. */
export function createActivities(deps: ActivityDeps): Activities {
  return {
    bytemark: createUserRefreshActivities(deps),
    ticketCache: {
      ...createSweepActivities(deps),
      ...createRefreshQueueActivities(deps),
      ...createAlertActivities(),
      ...createResearchActivities(deps),
      ...createStagingActivities(deps),
      ...createPurgeActivities(deps),
    },
  };
}
