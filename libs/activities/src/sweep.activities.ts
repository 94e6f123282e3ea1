import type { TicketCacheRepository, TicketCacheStateRepository } from '@btc/data';
import type { SweepActivities } from '@btc/workflows';

export interface SweepActivityDeps {
  states: TicketCacheStateRepository;
  cache: TicketCacheRepository;
  config: { ttlSeconds: number; graceSeconds: number };
  /** Unix seconds. */
  now?: () => number;
}

export function createSweepActivities(deps: SweepActivityDeps): SweepActivities {
  const clock = deps.now ?? (() => Math.floor(Date.now() / 1000));
  return {
    async listSweepPage({ cursor, limit, select }) {
      if (select === 'missing') {
        // Backfill (rare, operator-triggered): the cache documents themselves, one _id lookup each.
        const page = await deps.states.listSweepPage({ afterUserId: cursor, limit, select: 'all', staleAt: 0 });
        const present = await Promise.all(page.userIds.map((userId) => deps.cache.exists({ userId })));
        const userIds = page.userIds.filter((_, i) => !present[i]);
        return { userIds, seen: page.seen, skippedFresh: page.seen - userIds.length, nextCursor: page.nextCursor };
      }
      // Stale: refreshed at or before now − (TTL − grace), the rule `isStale` applies per user.
      const staleAt = clock() - (deps.config.ttlSeconds - deps.config.graceSeconds);
      const page = await deps.states.listSweepPage({ afterUserId: cursor, limit, select, staleAt });
      return { userIds: page.userIds, seen: page.seen, skippedFresh: page.skipped, nextCursor: page.nextCursor };
    },

    async countTicketCaches() {
      return { count: await deps.cache.count() };
    },
  };
}
