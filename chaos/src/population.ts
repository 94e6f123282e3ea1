/**
 * Who is who in a campaign (pure, from the seed): which users have no cache yet, which changed since
 * the last refresh and how, which cannot log in, which have no token, which carry a persistent fault,
 * which the refresh-log queue refreshes during the sweep, and whose Bytemark session expires.
 */
import { Prng } from './prng';

/** How a user's passes changed since the cache was built: each makes the next refresh write audit entries. */
export type ChangeKind = 'modify' | 'add' | 'expire' | 'free-tickets';
export const CHANGE_KINDS: readonly ChangeKind[] = ['modify', 'add', 'expire', 'free-tickets'];

export interface Population {
  userIds: number[];
  /** Token users without a cache (the sweep builds theirs). */
  noCache: number[];
  /** Users with a change in the simulator, and which. */
  changes: Map<number, ChangeKind>;
  /** Token revoked in the simulator and a stored password Bytemark refuses: `failed-auth`, in every run. */
  failedAuth: number[];
  /** No token stored: never swept; refreshed through the queue, they end `no-token`. */
  noToken: number[];
  /**
   * A stored token that cannot be decrypted, in the campaign's databases only, during the chaos sweep
   * (a fault no retry can fix): they must end `failed` with no partial effect; repaired before the follow-up.
   */
  persistentFault: number[];
  /** Users with a type-1 row in the refresh-log queue, run mid-sweep (on-demand refreshes overlapping the sweep). */
  queued: number[];
  /** Users whose Bytemark session expires before the sweep (the refresh must log in again). */
  sessionExpired: number[];
}

export interface PopulationShares {
  noCache: number;
  changed: number;
  failedAuth: number;
  noToken: number;
  persistentFault: number;
  queued: number;
  sessionExpired: number;
}

export const DEFAULT_SHARES: PopulationShares = {
  noCache: 0.05,
  changed: 0.15,
  failedAuth: 0.005,
  noToken: 0.003,
  persistentFault: 0.002,
  queued: 0.02,
  sessionExpired: 0.03,
};

/** At least one of each kind, so even a small campaign has every outcome. */
function countOf(users: number, share: number): number {
  return Math.max(1, Math.round(users * share));
}

export function planPopulation(userIds: readonly number[], seed: number, shares: PopulationShares): Population {
  const rng = new Prng(seed * 7919 + 1);
  const order = rng.shuffle(userIds);
  const n = userIds.length;
  let next = 0;
  const take = (count: number) => {
    const slice = order.slice(next, next + count);
    next += count;
    return slice.sort((a, b) => a - b);
  };
  const failedAuth = take(countOf(n, shares.failedAuth));
  const noToken = take(countOf(n, shares.noToken));
  const persistentFault = take(countOf(n, shares.persistentFault));
  const noCache = take(countOf(n, shares.noCache));
  const changedOthers = take(Math.max(0, countOf(n, shares.changed) - persistentFault.length));
  const changes = new Map<number, ChangeKind>();
  // A persistent-fault user has changes (and a free ticket), so a partial effect would show.
  for (const userId of persistentFault) changes.set(userId, 'free-tickets');
  changedOthers.forEach((userId, i) => changes.set(userId, CHANGE_KINDS[i % CHANGE_KINDS.length]!));

  const unchanged = order.slice(next);
  const queuedCount = countOf(n, shares.queued);
  const halfQueued = Math.ceil(queuedCount / 2);
  const queued = [
    ...rng.shuffle(changedOthers).slice(0, halfQueued),
    ...rng.shuffle(unchanged).slice(0, queuedCount - halfQueued),
    ...noToken,
  ].sort((a, b) => a - b);

  const excluded = new Set([...failedAuth, ...noToken, ...persistentFault]);
  const sessionExpired = rng
    .shuffle(userIds.filter((id) => !excluded.has(id)))
    .slice(0, countOf(n, shares.sessionExpired))
    .sort((a, b) => a - b);

  return {
    userIds: [...userIds],
    noCache,
    changes,
    failedAuth,
    noToken,
    persistentFault,
    queued,
    sessionExpired,
  };
}
