import type { RefreshLogRepository, SweepRunsRepository, TicketCacheStateRepository } from '@btc/data';

/** Where the gauges read from MySQL come from: the worker's repositories. */
export interface GaugeSources {
  states: Pick<TicketCacheStateRepository, 'freshness'>;
  refreshLog: Pick<RefreshLogRepository, 'queueHealth'>;
  sweepRuns: Pick<SweepRunsRepository, 'lastCompleted' | 'latest'>;
  /** TICKET_CACHE_TTL_MINUTES in seconds: a cache older than this is past the TTL. */
  ttlSeconds: number;
}

/** The token users' freshness, as the gauges show it. */
export interface FreshnessGauges {
  tokenUsers: number;
  due: number;
  pastTtl: number;
  /** 0 when no token user's cache was ever refreshed (they all count in `pastTtl`). */
  oldestCacheAgeSeconds: number;
  authBackoff: number;
}

export interface QueueGauges {
  pending: number;
  failed: number;
  /** 0 when no pending row is due. */
  oldestPendingAgeSeconds: number;
}

export interface SweepGauges {
  /** Unix seconds the last sweep that handed out every due user ended; 0: none did (the stale-sweep alert fires). */
  lastSuccessSeconds: number;
  /** Of the latest sweep, whatever stopped it; 0 before the first. */
  lastUsersPerSecond: number;
  lastUsersLeft: number;
}

/** One query: token users, due, past the TTL, the oldest cache, auth back-off. */
export async function readFreshness(sources: GaugeSources, nowSeconds: number): Promise<FreshnessGauges> {
  const f = await sources.states.freshness({ now: nowSeconds, ttlSeconds: sources.ttlSeconds });
  return {
    tokenUsers: f.tokenUsers,
    due: f.due,
    pastTtl: f.pastTtl,
    oldestCacheAgeSeconds: f.oldestCacheAgeSeconds ?? 0,
    authBackoff: f.authBackoff,
  };
}

export async function readQueue(sources: GaugeSources): Promise<QueueGauges> {
  const q = await sources.refreshLog.queueHealth();
  return { pending: q.pending, failed: q.failed, oldestPendingAgeSeconds: q.oldestPendingAgeSeconds ?? 0 };
}

/** From `bytemark_sweep_runs`: the last completed sweep, and the latest one. */
export async function readSweeps(sources: GaugeSources): Promise<SweepGauges> {
  const [completed, [latest]] = await Promise.all([sources.sweepRuns.lastCompleted(), sources.sweepRuns.latest(1)]);
  return {
    lastSuccessSeconds: completed?.endedAt ?? 0,
    lastUsersPerSecond: latest?.usersPerSecond ?? 0,
    lastUsersLeft: latest?.leftOver ?? 0,
  };
}
