import { log } from '@temporalio/activity';
import type { NotificationLedgerRepository, RefreshLogRepository, StagingRepository } from '@btc/data';
import type { RefreshQueueActivities } from '@btc/workflows';
import { NotificationUnconfirmedError } from './errors';
import type { PushNotifier, SlackNotifier } from './notifiers';

export interface RefreshQueueActivityDeps {
  refreshLog: RefreshLogRepository;
  ledger: NotificationLedgerRepository;
  push: PushNotifier;
  slack: SlackNotifier;
  staging: StagingRepository;
  clock?: () => Date;
}

/**
 * POSTs of one free-ticket push at most when none is answered (timeouts): the first, and one resend
 * with the same Idempotency-Key after the queue's back-off. Then it counts as delivered.
 */
export const MAX_UNCONFIRMED_SENDS = 2;

export function createRefreshQueueActivities(deps: RefreshQueueActivityDeps): RefreshQueueActivities {
  const { refreshLog, ledger, push, slack, staging } = deps;
  const clock = deps.clock ?? (() => new Date());
  return {
    async listDueRefreshRows({ limit }) {
      const rows = await refreshLog.listDueRefreshRows({ now: clock(), limit });
      return rows.map(({ id, userId }) => ({ id, userId }));
    },

    async listPendingNotificationRows({ limit }) {
      const rows = await refreshLog.listPendingNotificationRows({ limit, now: clock() });
      return rows.map(({ id, userId }) => ({ id, userId }));
    },

    async markRefreshRowsProcessed({ ids }) {
      return { marked: await refreshLog.markProcessed(ids) };
    },

    async queueUserRefresh({ userId }) {
      // One pending row per user is enough: a stream of requests never fills the queue with one user's rows.
      const { id } = await refreshLog.queueRefreshNow({
        userId,
        note: 'asked for while an on-demand refresh of the user kept fetching',
      });
      return { id };
    },

    async sendFreeTicketNotification({ userId, rowIds }) {
      const key = `free-ticket:${userId}:${[...rowIds].sort((a, b) => a - b).join(',')}`;
      const entry = await ledger.find({ key });
      if (entry?.state === 'sent') return { sent: true, reason: 'already sent by an earlier attempt' };
      if (entry && entry.attempts >= MAX_UNCONFIRMED_SENDS) {
        // Every send timed out; each may have reached the endpoint. A third would risk a third push.
        await ledger.recordSent({ key, userId, rowIds, unconfirmed: true });
        log.warn('Free-ticket push counted as delivered after sends that went unanswered; not sent again', {
          userId,
          attempts: entry.attempts,
        });
        return { sent: true, reason: `counted as delivered after ${entry.attempts} unanswered sends` };
      }
      if (!push.enabled) {
        log.warn('Free-ticket notification waiting: NOTIFICATION_URL is not configured', { userId });
        return { sent: false, reason: 'no notification endpoint configured; rows stay pending' };
      }
      await ledger.recordAttempt({ key, userId, rowIds });
      try {
        await push.sendFreeTicket(userId, key);
      } catch (error) {
        // An error answer or no connection at all: not delivered, so not counted as a possible delivery.
        if (!(error instanceof NotificationUnconfirmedError)) await ledger.recordFailedAttempt({ key });
        throw error;
      }
      await ledger.recordSent({ key, userId, rowIds });
      return { sent: true, reason: entry ? 'sent again after an unanswered send (same Idempotency-Key)' : 'sent' };
    },

    async notifySlack({ text }) {
      return { posted: await slack.post(text) };
    },

    async recordQueueFailure({ ids, reason, maxTransientFailures, permanent }) {
      const failedIds = await refreshLog.recordFailure({ ids, reason, maxTransientFailures, permanent });
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
