import { log } from '@temporalio/activity';
import {
  REFRESH_ACTIVITY,
  type NotificationLedgerRepository,
  type RefreshLogRepository,
  type StagingRepository,
} from '@btc/data';
import type { RefreshQueueActivities } from '@btc/workflows';
import type { PushNotifier, SlackNotifier } from './notifiers';

export interface RefreshQueueActivityDeps {
  refreshLog: RefreshLogRepository;
  ledger: NotificationLedgerRepository;
  push: PushNotifier;
  slack: SlackNotifier;
  staging: StagingRepository;
  clock?: () => Date;
}

export function createRefreshQueueActivities(deps: RefreshQueueActivityDeps): RefreshQueueActivities {
  const { refreshLog, ledger, push, slack, staging } = deps;
  const clock = deps.clock ?? (() => new Date());
  return {
    async listDueRefreshRows({ limit }) {
      const rows = await refreshLog.listDueRefreshRows({ now: clock(), limit });
      return rows.map(({ id, userId }) => ({ id, userId }));
    },

    async listPendingNotificationRows({ limit }) {
      const rows = await refreshLog.listPendingNotificationRows({ limit });
      return rows.map(({ id, userId }) => ({ id, userId }));
    },

    async markRefreshRowsProcessed({ ids }) {
      return { marked: await refreshLog.markProcessed(ids) };
    },

    async queueUserRefresh({ userId }) {
      const id = await refreshLog.insert({
        userId,
        activityType: REFRESH_ACTIVITY.refreshNow,
        note: 'asked for while an on-demand refresh of the user kept fetching',
      });
      return { id };
    },

    async sendFreeTicketNotification({ userId, rowIds }) {
      const key = `free-ticket:${userId}:${[...rowIds].sort((a, b) => a - b).join(',')}`;
      if (await ledger.wasSent({ key })) return { sent: true, reason: 'already sent by an earlier attempt' };
      if (!push.enabled) {
        log.warn('Free-ticket notification waiting: NOTIFICATION_URL is not configured', { userId });
        return { sent: false, reason: 'no notification endpoint configured; rows stay pending' };
      }
      await push.sendFreeTicket(userId, key);
      await ledger.recordSent({ key, userId, rowIds });
      return { sent: true, reason: 'sent' };
    },

    async notifySlack({ text }) {
      return { posted: await slack.post(text) };
    },

    async recordQueueFailure({ ids, reason, maxAttempts, permanent }) {
      const failedIds = await refreshLog.recordFailure({ ids, reason, maxAttempts, permanent });
      if (failedIds.length > 0)
        log.warn('Refresh-log rows failed for good; the queue stops retrying them', { failedIds, reason });
      return { failedIds };
    },

    async cleanupStaging({ olderThanSeconds }) {
      const cutoff = new Date(clock().getTime() - olderThanSeconds * 1000);
      return { deleted: await staging.deleteOlderThan({ cutoff }) };
    },
  };
}
