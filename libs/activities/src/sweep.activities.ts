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
