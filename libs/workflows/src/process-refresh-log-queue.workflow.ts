import { proxyActivities, setCurrentDetails } from '@temporalio/workflow';
import type { RefreshQueueActivities } from './activity-contracts';
import { DATABASE_ACTIVITY } from './retry-policies';
import { forEachBounded } from './for-each-bounded';
import { runUserRefresh } from './user-refresh-child';

const queue = proxyActivities<RefreshQueueActivities>(DATABASE_ACTIVITY);

/** Staged lists older than this belong to runs that failed part-way (a run takes minutes at most). */
const STAGING_MAX_AGE_SECONDS = 6 * 3600;

export interface RefreshQueueInput {
  maxInFlight?: number;
  /** Rows read per run (default 1,000); the rest wait for the next run five minutes later. */
  limit?: number;
}

export interface RefreshQueueResult {
  refreshRows: number;
  usersRefreshed: number;
  /** Users whose refresh failed or was already running: their rows stay pending. */
  usersDeferred: number;
  notificationRows: number;
  notificationsSent: number;
  notificationsDeferred: number;
}

/**
 * The original's five-minute job, without its two bugs: refresh users with due type-1 and type-3
 * rows, then send the type-2 free-ticket pushes; rows are marked processed by id, only the rows read,
 * only after their work succeeded.
 */
export async function processRefreshLogQueueWorkflow(input: RefreshQueueInput = {}): Promise<RefreshQueueResult> {
  const { maxInFlight = 10, limit = 1000 } = input;
  const result: RefreshQueueResult = {
    refreshRows: 0,
    usersRefreshed: 0,
    usersDeferred: 0,
    notificationRows: 0,
    notificationsSent: 0,
    notificationsDeferred: 0,
  };
  const report = () => setCurrentDetails(JSON.stringify(result));

  const due = await queue.listDueRefreshRows({ limit });
  result.refreshRows = due.length;
  await forEachBounded(groupByUser(due), maxInFlight, async ([userId, ids]) => {
    const refresh = await runUserRefresh({ userId, mode: 'check', trigger: 'legacy-queue' });
    if (refresh.kind === 'done') {
      await queue.markRefreshRowsProcessed({ ids });
      result.usersRefreshed += 1;
    } else {
      // Failed (the refresh itself alerted) or already running: the rows stay pending for the next run.
      result.usersDeferred += 1;
    }
    report();
  });

  const notifications = await queue.listPendingNotificationRows({ limit });
  result.notificationRows = notifications.length;
  for (const [userId, rowIds] of groupByUser(notifications)) {
    const sent = await queue.sendFreeTicketNotification({ userId, rowIds });
    if (sent.sent) {
      await queue.markRefreshRowsProcessed({ ids: rowIds });
      result.notificationsSent += 1;
    } else {
      result.notificationsDeferred += 1;
    }
    report();
  }
  await queue.cleanupStaging({ olderThanSeconds: STAGING_MAX_AGE_SECONDS });
  report();
  return result;
}

function groupByUser(rows: Array<{ id: number; userId: number }>): Map<number, number[]> {
  const byUser = new Map<number, number[]>();
  for (const row of rows) byUser.set(row.userId, [...(byUser.get(row.userId) ?? []), row.id]);
  return byUser;
}
