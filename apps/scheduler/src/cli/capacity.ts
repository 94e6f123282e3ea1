import type { Sequelize } from 'sequelize';
import { PACE_SHARE, SweepRunsRepository, TicketCacheStateRepository, readPaceControls } from '@btc/data';
import { CALLS_PER_REFRESH, SWEEP_START_USERS_MINUTES } from '@btc/workflows';

/** What the service can do against what it has to: for `status`, `doctor` and `bytemark controls`. */
export interface Capacity {
  /** Token users (not tombstoned): the population the hourly sweep keeps fresh. */
  tokenUsers: number;
  /** Due now; past the TTL (riders may see them stale); never refreshed; backing off after failed logins. */
  due: number;
  pastTtl: number;
  neverRefreshed: number;
  authBackoff: number;
  /** Seconds since the least recently refreshed token user was refreshed (null: none ever was). */
  oldestCacheAgeSeconds: number | null;
  /** The Bytemark limit in force: an operator's (`bytemark rate-limit`) or the configured BYTEMARK_RATE_LIMIT_RPS. */
  rateLimitRps: number;
  rateLimitSource: 'operator' | 'config';
  /** User refreshes the limit allows in an hour (two calls each, at the pacer's share of the limit). */
  refreshesPerHour: number;
  /** Users one hourly sweep can refresh: it starts users for its first `SWEEP_START_USERS_MINUTES` minutes. */
  usersPerSweep: number;
  /** The limit at which one sweep would refresh every token user. */
  rateLimitForAllRps: number;
  /** An operator's pause of Bytemark calls (`bytemark pause`), or null. */
  paused: { since: string; reason: string } | null;
  /** The latest finished sweep, or null. */
  lastSweep: {
    endedAt: string;
    trigger: string;
    refreshed: number;
    leftOver: number;
    stoppedBy: string;
    usersPerSecond: number;
  } | null;
}

/** Refreshes per hour at `callsPerSecond` (the pacer spaces calls for `PACE_SHARE` of the limit). */
export function refreshesPerHour(callsPerSecond: number, seconds = 3600): number {
  return Math.floor((callsPerSecond * PACE_SHARE * seconds) / CALLS_PER_REFRESH);
}

/** The rate limit (calls/s, rounded up) at which one sweep refreshes `users`. */
export function rateLimitFor(users: number): number {
  return Math.ceil((users * CALLS_PER_REFRESH) / (SWEEP_START_USERS_MINUTES * 60) / PACE_SHARE);
}

/** Reads the scheduling state, the operator's controls and the last sweep from MySQL (three small queries). */
export async function readCapacity(
  sequelize: Sequelize,
  p: { ttlSeconds: number; configuredRps: number; now?: number },
): Promise<Capacity> {
  const now = p.now ?? Math.floor(Date.now() / 1000);
  const [freshness, controls, [last]] = await Promise.all([
    new TicketCacheStateRepository(sequelize).freshness({ now, ttlSeconds: p.ttlSeconds }),
    readPaceControls(sequelize),
    new SweepRunsRepository(sequelize).latest(1),
  ]);
  const rateLimitRps = controls.rateLimitRps ?? p.configuredRps;
  return {
    tokenUsers: freshness.tokenUsers,
    due: freshness.due,
    pastTtl: freshness.pastTtl,
    neverRefreshed: freshness.neverRefreshed,
    authBackoff: freshness.authBackoff,
    oldestCacheAgeSeconds: freshness.oldestCacheAgeSeconds,
    rateLimitRps,
    rateLimitSource: controls.rateLimitRps === null ? 'config' : 'operator',
    refreshesPerHour: refreshesPerHour(rateLimitRps),
    usersPerSweep: refreshesPerHour(rateLimitRps, SWEEP_START_USERS_MINUTES * 60),
    rateLimitForAllRps: rateLimitFor(freshness.tokenUsers),
    paused: controls.paused
      ? { since: new Date(controls.paused.at * 1000).toISOString(), reason: controls.paused.reason }
      : null,
    lastSweep: last
      ? {
          endedAt: new Date(last.endedAt * 1000).toISOString(),
          trigger: last.trigger,
          refreshed: last.refreshed,
          leftOver: last.leftOver,
          stoppedBy: last.stoppedBy,
          usersPerSecond: last.usersPerSecond,
        }
      : null,
  };
}

/** `1 h 05 min`, `3 min 20 s`, `45 s`; `never` for null. */
export function formatAge(seconds: number | null): string {
  if (seconds === null) return 'never';
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
  const days = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const min = String(Math.floor((seconds % 3600) / 60)).padStart(2, '0');
  return days > 0 ? `${days} d ${h} h ${min} min` : `${h} h ${min} min`;
}

/** The capacity in a few lines for people. */
export function formatCapacity(c: Capacity): string[] {
  const source = c.rateLimitSource === 'operator' ? 'set by an operator' : 'BYTEMARK_RATE_LIMIT_RPS';
  return [
    `token users:        ${c.tokenUsers} (${c.due} due, ${c.pastTtl} past the TTL, ${c.neverRefreshed} never refreshed, ${c.authBackoff} backing off after failed logins)`,
    `oldest cache:       ${formatAge(c.oldestCacheAgeSeconds)}`,
    `rate limit:         ${c.rateLimitRps} calls/s (${source})${c.paused ? `, PAUSED since ${c.paused.since}${c.paused.reason ? ` ("${c.paused.reason}")` : ''}` : ''}`,
    `capacity:           ${c.refreshesPerHour} refreshes per hour, ${c.usersPerSweep} users per hourly sweep` +
      (c.usersPerSweep < c.tokenUsers
        ? ` (FEWER than the token users: ${c.rateLimitForAllRps} calls/s would cover them)`
        : ''),
    `last sweep:         ${
      c.lastSweep
        ? `${c.lastSweep.trigger}, ended ${c.lastSweep.endedAt} (${c.lastSweep.stoppedBy}): ${c.lastSweep.refreshed} refreshed, ${c.lastSweep.leftOver} left over`
        : 'none recorded'
    }`,
  ];
}
