import { log, proxyActivities, setCurrentDetails } from '@temporalio/workflow';
import type { RefreshQueueActivities } from './activity-contracts';
import { failureMessage, failureType, isPermanent } from './failure-message';
import { forEachBounded } from './for-each-bounded';
import { DATABASE_ACTIVITY, NOTIFICATION_ACTIVITY } from './retry-policies';
import { runUserRefresh } from './user-refresh-child';

const queue = proxyActivities<RefreshQueueActivities>(DATABASE_ACTIVITY);
const push = proxyActivities<Pick<RefreshQueueActivities, 'sendFreeTicketNotification'>>(NOTIFICATION_ACTIVITY);

/** Staged lists older than this belong to runs that failed part-way (a run takes minutes at most). */
const STAGING_MAX_AGE_SECONDS = 6 * 3600;

export interface RefreshQueueInput {
  maxInFlight?: number;
  /** Rows read per run (default 1,000); the rest wait for the next run five minutes later. */
  limit?: number;
  /** Runs that may fail a row before it is marked failed and left alone (default 3). */
  maxAttempts?: number;
}

export interface RefreshQueueResult {
  refreshRows: number;
  usersRefreshed: number;
  /** Users whose refresh failed or was already running: their rows stay pending (or failed, after the last attempt). */
  usersDeferred: number;
  notificationRows: number;
  notificationsSent: number;
  notificationsDeferred: number;
  /** Rows this run marked failed (status 2, reason in `bytemark_refresh_log_failures`). */
  rowsFailed: number;
}

/**
 * The original's five-minute job, without its two bugs: refresh users with due type-1 and type-3
 * rows, then send the type-2 free-ticket pushes; rows are marked processed by id, only the rows read,
 * only after their work succeeded. One row's failure never stops the others: each user's rows are
 * handled on their own, a failure is counted against those rows, and after `maxAttempts` runs (at
 * once when it can never succeed) they are marked failed, alerted once, and not retried again.
 */
export async function processRefreshLogQueueWorkflow(input: RefreshQueueInput = {}): Promise<RefreshQueueResult> {
  const { maxInFlight = 10, limit = 1000, maxAttempts = 3 } = input;
  const result: RefreshQueueResult = {
    refreshRows: 0,
    usersRefreshed: 0,
    usersDeferred: 0,
    notificationRows: 0,
    notificationsSent: 0,
    notificationsDeferred: 0,
    rowsFailed: 0,
  };
  const failedRows: string[] = [];
  const report = () => setCurrentDetails(JSON.stringify(result));
  const countFailure = async (ids: number[], userId: number, what: string, error: unknown) => {
    const reason = `${what}: ${failureType(error)}: ${failureMessage(error)}`;
    const { failedIds } = await queue.recordQueueFailure({ ids, reason, maxAttempts, permanent: isPermanent(error) });
    result.rowsFailed += failedIds.length;
    for (const id of failedIds) failedRows.push(`row ${id} (user ${userId}): ${reason}`);
  };

  const due = await queue.listDueRefreshRows({ limit });
  result.refreshRows = due.length;
  await forEachBounded(groupByUser(due), maxInFlight, async ([userId, ids]) => {
    const refresh = await runUserRefresh({ userId, mode: 'check', trigger: 'legacy-queue' });
    if (refresh.kind === 'done') {
      await queue.markRefreshRowsProcessed({ ids });
      result.usersRefreshed += 1;
    } else {
      // Already running: the rows stay pending for the next run. Failed: counted against the rows.
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

function groupByUser(rows: Array<{ id: number; userId: number }>): Map<number, number[]> {
  const byUser = new Map<number, number[]>();
  for (const row of rows) byUser.set(row.userId, [...(byUser.get(row.userId) ?? []), row.id]);
  return byUser;
}
