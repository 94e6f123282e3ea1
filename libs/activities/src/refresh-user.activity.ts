import { Context } from '@temporalio/activity';
import type { BytemarkClient } from '@btc/bytemark-client';
import type {
  BytemarkTokensRepository,
  ListHashes,
  RefreshLogRepository,
  TicketCacheRepository,
  TicketCacheState,
  TicketCacheStateRepository,
  TicketLogRepository,
} from '@btc/data';
import type { RefreshOutcome, RefreshSummary, UserRefreshActivities, UserRefreshInput } from '@btc/workflows';
import { commitRefresh, finishEarlierCommit } from './commit-refresh';
import { fetchPassLists, listHashes } from './fetch-pass-lists';
import { refreshLogEntry } from './refresh-log-line';

export interface UserRefreshDeps {
  tokens: BytemarkTokensRepository;
  states: TicketCacheStateRepository;
  cache: TicketCacheRepository;
  logs: TicketLogRepository;
  refreshLog: RefreshLogRepository;
  bytemark: BytemarkClient;
  config: {
    ttlSeconds: number;
    /** A cache this close to the TTL counts as stale, so an hourly sweep never skips a cache refreshed by the last one. */
    graceSeconds: number;
    freeProductUuids: readonly string[];
  };
  /** Unix seconds. */
  now?: () => number;
}

const NO_CHANGES = { created: 0, updated: 0, removed: 0, unchanged: 0, newFreeTickets: 0 };

/** Whether a cache refreshed at `refreshedAt` is due (older than TTL − grace). */
export function isStale(
  refreshedAt: number,
  now: number,
  config: { ttlSeconds: number; graceSeconds: number },
): boolean {
  return now - refreshedAt >= config.ttlSeconds - config.graceSeconds;
}

/**
 * `refreshUserTickets`: one user's whole refresh, the same code for the hourly batches and the
 * per-user workflow. An unchanged user (the common case) costs one small MySQL read (its refresh
 * state), the two Bytemark calls, one MongoDB write (the cache's `timestamp`, compare-and-set on the
 * version the state describes) and one MySQL write; its cache document is never read. Anything else
 * reads the document and goes through `commitRefresh`.
 */
export function createUserRefreshActivities(deps: UserRefreshDeps): UserRefreshActivities {
  const clock = deps.now ?? (() => Math.floor(Date.now() / 1000));
  const freeProducts = new Set(deps.config.freeProductUuids);

  return {
    async refreshUserTickets(input: UserRefreshInput): Promise<RefreshSummary> {
      const { log, info } = Context.current();
      const started = Date.now();
      try {
        const summary = await refresh(input);
        // One line per refresh, whatever its outcome (the activity's logger adds the workflow id).
        const entry = refreshLogEntry(input, summary, Date.now() - started);
        log.info(entry.message, entry.fields);
        return summary;
      } catch (error) {
        const failed = error instanceof Error ? error.name : typeof error;
        const entry = refreshLogEntry(input, { failed, attempt: info.attempt }, Date.now() - started);
        // The error itself (type, message, causes) is in the SDK's `Activity failed` line.
        log.warn(entry.message, entry.fields);
        // The attempt failed: the user's state says so (for `cli status`), keeping what it says of the cache.
        await deps.states
          .recordFailure({ userId: input.userId, checkedAt: clock(), trigger: input.trigger, runRef: input.refreshId })
          .catch(() => undefined);
        throw error;
      }
    },
  };

  async function refresh({ userId, mode, trigger, refreshId }: UserRefreshInput): Promise<RefreshSummary> {
    const now = clock();
    const state = await deps.states.find(userId);
    const cacheAgeBefore = state?.refreshedAt != null ? now - state.refreshedAt : null;
    const record = (
      s: Pick<TicketCacheState, 'outcome' | 'refreshedAt' | 'cacheVersion' | 'listHashes' | 'passCount'>,
    ) => deps.states.record({ userId, checkedAt: now, trigger, runRef: refreshId, ...s });
    const unreached = async (outcome: RefreshOutcome): Promise<RefreshSummary> => {
      // Bytemark was not read: the cache and its state stay as they were, the user stays due.
      await record({
        outcome,
        refreshedAt: null,
        cacheVersion: state?.cacheVersion ?? null,
        listHashes: state?.listHashes ?? { passes: null, passes4: null },
        passCount: state?.passCount ?? 0,
      });
      return { outcome, ...NO_CHANGES, cacheAgeBefore };
    };

    // A retry of this refresh after a failed attempt (its failure names this run): what that attempt
    // committed is reported (the attempt may have failed after its commit), and a cache made fresh
    // by it is no reason to skip.
    const retry = state?.runRef === refreshId;
    if (retry) {
      const earlier = await finishEarlierCommit(deps, await deps.cache.findByUserId({ userId }), refreshId);
      if (earlier) {
        // The lists it fetched are not known here: no hashes, so the next refresh diffs the document.
        const { change, version, passCount } = earlier;
        const noHashes = { passes: null, passes4: null };
        await record({
          outcome: change.outcome,
          refreshedAt: now,
          cacheVersion: version,
          listHashes: noHashes,
          passCount,
        });
        const { outcome, ...counts } = change;
        return { outcome, ...counts, cacheAgeBefore };
      }
    }
    if (mode === 'if-stale' && !retry && state?.refreshedAt != null && !isStale(state.refreshedAt, now, deps.config)) {
      return { outcome: 'fresh-skipped', ...NO_CHANGES, cacheAgeBefore };
    }
    const token = await deps.tokens.findToken(userId);
    if (!token) return unreached('no-token');
    const lists = await fetchPassLists(deps, userId, token);
    if (lists === 'failed-auth') return unreached('failed-auth');
    const hashes = listHashes(lists);

    if (mode !== 'build' && state?.cacheVersion != null && sameLists(state.listHashes, hashes)) {
      const touched = await deps.cache.touch({ userId }, { timestamp: now, expectedVersion: state.cacheVersion });
      if (touched) {
        await record({
          outcome: 'unchanged',
          refreshedAt: now,
          cacheVersion: state.cacheVersion,
          listHashes: hashes,
          passCount: state.passCount,
        });
        return { outcome: 'unchanged', ...NO_CHANGES, unchanged: state.passCount, cacheAgeBefore };
      }
    }

    const committed = await commitRefresh(deps, {
      userId,
      mode: mode === 'build' ? 'build' : 'update',
      refreshId,
      now,
      lists,
      freeProductUuids: freeProducts,
    });
    await record({
      outcome: committed.change.outcome,
      refreshedAt: now,
      cacheVersion: committed.version,
      listHashes: hashes,
      passCount: committed.passCount,
    });
    const { outcome, ...counts } = committed.change;
    const previous = committed.previousTimestamp === null ? null : now - committed.previousTimestamp;
    return { outcome, ...counts, cacheAgeBefore: cacheAgeBefore ?? previous };
  }
}

/** Both lists hash as recorded (a null hash, a list with rejects, never matches). */
function sameLists(recorded: ListHashes, fetched: ListHashes): boolean {
  return (
    fetched.passes !== null &&
    fetched.passes4 !== null &&
    recorded.passes === fetched.passes &&
    recorded.passes4 === fetched.passes4
  );
}
