import {
  PACE_SHARE,
  type PaceControls,
  type SweepRunsRepository,
  type TicketCacheRepository,
  type TicketCacheStateRepository,
} from '@btc/data';
import { CALLS_PER_REFRESH, type SweepActivities } from '@btc/workflows';

export interface SweepActivityDeps {
  states: TicketCacheStateRepository;
  cache: TicketCacheRepository;
  sweepRuns: SweepRunsRepository;
  /** The operator's live controls (`bytemark_call_pace`): a pause, another rate limit. */
  paceControls(): Promise<PaceControls>;
  /** The configured Bytemark limit (`BYTEMARK_RATE_LIMIT_RPS`), in force unless an operator set another. */
  rateLimitRps: number;
}

export function createSweepActivities(deps: SweepActivityDeps): SweepActivities {
  return {
    async beginSweep({ select, dueBefore }) {
      const controls = await deps.paceControls();
      // New token users get a state row due at once: the oldest-first order puts them first.
      if (select === 'stale') await deps.states.enrol();
      const { tokenUsers } = await deps.states.freshness({ now: dueBefore, ttlSeconds: 0 });
      return {
        tokenUsers,
        due: select === 'stale' ? await deps.states.countDue(dueBefore) : tokenUsers,
        rateLimitRps: controls.rateLimitRps ?? deps.rateLimitRps,
        paused: controls.paused ? { reason: controls.paused.reason } : null,
      };
    },

    async listSweepPage({ cursor, limit, select, dueBefore }) {
      if (select === 'stale') {
        const page = await deps.states.listDuePage({ dueBefore, after: cursor, limit });
        return { userIds: page.userIds, nextCursor: page.next };
      }
      const page = await deps.states.listAllPage({ afterUserId: cursor?.userId ?? 0, limit });
      const nextCursor = page.nextCursor === null ? null : { dueAt: 0, userId: page.nextCursor };
      if (select === 'all') return { userIds: page.userIds, nextCursor };
      // Backfill (rare, operator-triggered): the cache documents themselves, one _id lookup each.
      const present = await Promise.all(page.userIds.map((userId) => deps.cache.exists({ userId })));
      const userIds = page.userIds.filter((_, i) => !present[i]);
      return { userIds, nextCursor, skipped: page.userIds.length - userIds.length };
    },

    async finishSweep({ sweepId, trigger, select, dueBefore, startUsersForSeconds, endedAt, progress }) {
      const leftOver = select === 'stale' && progress.stoppedBy !== 'done' ? await deps.states.countDue(dueBefore) : 0;
      const refreshed = Object.values(progress.refreshed).reduce((a, b) => a + (b ?? 0), 0);
      const startedAt = Math.floor(progress.startedAtMs / 1000);
      await deps.sweepRuns.record({
        sweepId,
        trigger,
        startedAt,
        endedAt,
        tokenUsers: progress.usersSeen,
        usersDue: progress.due,
        refreshed,
        failed: progress.failed,
        leftOver,
        usersPerSecond: refreshed / Math.max(1, endedAt - startedAt),
        rateLimitRps: progress.rateLimitRps,
        stoppedBy: progress.stoppedBy ?? 'done',
      });
      // Every due user within the time a sweep may start refreshes, at the pacer's share of the limit.
      const needed = Math.ceil((progress.due * CALLS_PER_REFRESH) / startUsersForSeconds / PACE_SHARE);
      return { leftOver, neededRateLimitRps: leftOver > 0 ? needed : null };
    },

    async countTicketCaches() {
      return { count: await deps.cache.count() };
    },
  };
}
