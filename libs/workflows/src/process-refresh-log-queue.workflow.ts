import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, log, proxyActivities, setCurrentDetails, startChild } from '@temporalio/workflow';
import { FAILURE_TYPES, type RefreshQueueActivities, type SweepActivities } from './activity-contracts';
import { bootstrapTicketCachesWorkflow } from './bootstrap-ticket-caches.workflow';
import { failureMessage, failureType, isPermanent } from './failure-message';
import { forEachBounded } from './for-each-bounded';
import { PRIORITY, bootstrapWorkflowId } from './ids';
import { DATABASE_ACTIVITY, NOTIFICATION_ACTIVITY } from './retry-policies';
import { runUserRefresh } from './user-refresh-child';

const queue = proxyActivities<RefreshQueueActivities & Pick<SweepActivities, 'countTicketCaches'>>(DATABASE_ACTIVITY);
const push = proxyActivities<Pick<RefreshQueueActivities, 'sendFreeTicketNotification'>>(NOTIFICATION_ACTIVITY);

/** Staged lists older than this belong to runs that failed part-way (a run takes minutes at most). */
const STAGING_MAX_AGE_SECONDS = 6 * 3600;

export interface RefreshQueueInput {
  maxInFlight?: number;
  /** Users (refresh rows) and rows (notifications) read per run (default 1,000); the rest wait for the next run. */
  limit?: number;
  /**
   * Transient failures (an endpoint or Bytemark outage) a row may have, backing off from 5 minutes to
   * 6 hours, before it is marked failed and left alone (default 16, about two and a half days).
   */
  maxTransientFailures?: number;
}

export interface RefreshQueueResult {
  refreshRows: number;
  usersRefreshed: number;
  /** Users whose refresh was running: their rows were handed to that run, which marks them once answered. */
  usersHandedOver: number;
  /** Users whose refresh failed or ended under the hand-over: their rows stay pending (or back off, or failed). */
  usersDeferred: number;
  notificationRows: number;
  notificationsSent: number;
  notificationsDeferred: number;
  /** Rows this run marked failed (status 2, reason in `bytemark_refresh_log_failures`). */
  rowsFailed: number;
  /** The cache collection was empty and token users exist: the bootstrap was started (`buildCacheIfEmpty`). */
  bootstrapStarted: boolean;
}

/**
 * The original's five-minute job, without its bugs: `buildCacheIfEmpty` first, then refresh the users
 * with due type-1 and type-3 rows (selected by user; a user whose refresh is already running gets its
 * rows handed to that run), then send the type-2 free-ticket pushes; rows are marked processed by id,
 * only the rows read, only after their work succeeded. One row's failure never stops the others: a
 * transient failure backs the rows off (an outage of the push endpoint costs them nothing), one that
 * can never succeed marks them failed at once, alerted once, and not retried again.
 */
export async function processRefreshLogQueueWorkflow(input: RefreshQueueInput = {}): Promise<RefreshQueueResult> {
  const { maxInFlight = 10, limit = 1000, maxTransientFailures = 16 } = input;
  const result: RefreshQueueResult = {
    refreshRows: 0,
    usersRefreshed: 0,
    usersHandedOver: 0,
    usersDeferred: 0,
    notificationRows: 0,
    notificationsSent: 0,
    notificationsDeferred: 0,
    rowsFailed: 0,
    bootstrapStarted: false,
  };
  const failedRows: string[] = [];
  const report = () => setCurrentDetails(JSON.stringify(result));
  const countFailure = async (ids: number[], userId: number, what: string, error: unknown) => {
    const reason = `${what}: ${failureType(error)}: ${failureMessage(error)}`;
    // An unanswered push may have been delivered: never final, always backed off (then resent once).
    const permanent = isPermanent(error) && failureType(error) !== FAILURE_TYPES.notificationUnconfirmed;
    const { failedIds } = await queue.recordQueueFailure({ ids, reason, maxTransientFailures, permanent });
    result.rowsFailed += failedIds.length;
    for (const id of failedIds) failedRows.push(`row ${id} (user ${userId}): ${reason}`);
  };

  result.bootstrapStarted = await buildCacheIfEmpty();
  const due = await queue.listDueRefreshRows({ limit });
  result.refreshRows = due.length;
  await forEachBounded(groupByUser(due), maxInFlight, async ([userId, ids]) => {
    const refresh = await runUserRefresh({ userId, mode: 'check', trigger: 'refresh-log-queue', queueRowIds: ids });
    if (refresh.kind === 'done') {
      await queue.markRefreshRowsProcessed({ ids });
      result.usersRefreshed += 1;
    } else if (refresh.kind === 'handed-over') {
      result.usersHandedOver += 1;
    } else {
      // Failed: counted against the rows. Deferred: they stay pending for the next run.
      result.usersDeferred += 1;
      if (refresh.kind === 'failed') await countFailure(ids, userId, 'refresh failed', refresh.error);
    }
    report();
  });

  const notifications = await queue.listPendingNotificationRows({ limit });
  result.notificationRows = notifications.length;
  for (const [userId, rowIds] of groupByUser(notifications)) {
    try {
      const sent = await push.sendFreeTicketNotification({ userId, rowIds });
      if (sent.sent) {
        await queue.markRefreshRowsProcessed({ ids: rowIds });
        result.notificationsSent += 1;
      } else {
        result.notificationsDeferred += 1;
      }
    } catch (error) {
      result.notificationsDeferred += 1;
      await countFailure(rowIds, userId, 'free-ticket push failed', error);
    }
    report();
  }

  if (failedRows.length > 0) {
    await queue
      .notifySlack({
        text:
          `Bytemark refresh-log queue: ${failedRows.length} rows failed for good and will not be retried ` +
          `(\`npm run cli -- queue failed\` lists them): ${failedRows.slice(0, 10).join('; ')}` +
          (failedRows.length > 10 ? '; …' : ''),
      })
      .catch((error: unknown) => log.warn('The queue alert could not be posted', { error: failureMessage(error) }));
  }
  await queue
    .cleanupStaging({ olderThanSeconds: STAGING_MAX_AGE_SECONDS })
    .catch((error: unknown) =>
      log.warn('Staging cleanup failed; the next run tries again', { error: failureMessage(error) }),
    );
  report();
  return result;
}

/**
 * `buildCacheIfEmpty` (domain §4.5), at the start of every run as the original's five-minute job did:
 * when the cache collection is empty, the bootstrap (one at a time, it decides whether token users
 * exist) builds every cache. Returns whether this run started it.
 */
async function buildCacheIfEmpty(): Promise<boolean> {
  if ((await queue.countTicketCaches()).count > 0) return false;
  try {
    await startChild(bootstrapTicketCachesWorkflow, {
      workflowId: bootstrapWorkflowId(),
      args: [{}],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      priority: { priorityKey: PRIORITY.sweep },
      staticSummary: 'Bootstrap: the cache collection was found empty by the refresh-log queue (buildCacheIfEmpty)',
    });
    return true;
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw error;
  }
}

function groupByUser(rows: Array<{ id: number; userId: number }>): Map<number, number[]> {
  const byUser = new Map<number, number[]>();
  for (const row of rows) byUser.set(row.userId, [...(byUser.get(row.userId) ?? []), row.id]);
  return byUser;
}
