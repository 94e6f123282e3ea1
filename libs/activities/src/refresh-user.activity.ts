import { Context } from '@temporalio/activity';
import type { BytemarkClient } from '@btc/bytemark-client';
import type {
  BytemarkTokensRepository,
  ListHashes,
  LoginLeasesRepository,
  RefreshLogRepository,
  TicketCacheRepository,
  TicketCacheState,
  TicketCacheStateRepository,
  TicketLogRepository,
  UserPurge,
  UserTombstonesRepository,
} from '@btc/data';
import {
  NO_CHANGES,
  type RefreshOutcome,
  type RefreshSummary,
  type UserRefreshActivities,
  type UserRefreshInput,
} from '@btc/workflows';
import { commitRefresh, finishEarlierCommit } from './commit-refresh';
import { fetchPassLists, listHashes } from './fetch-pass-lists';
import type { QuarantineDeps } from './pending-effects';
import { refreshLogEntry } from './refresh-log-line';
import { RefreshSteps } from './refresh-steps';

export interface UserRefreshDeps extends QuarantineDeps {
  tokens: BytemarkTokensRepository;
  loginLeases: LoginLeasesRepository;
  states: TicketCacheStateRepository;
  cache: TicketCacheRepository;
  logs: TicketLogRepository;
  refreshLog: RefreshLogRepository;
  /** Deleted riders (`cache purge`): checked when a refresh starts and around its commit. */
  tombstones: UserTombstonesRepository;
  /** Removes what a refresh that raced a purge wrote. */
  userPurge: UserPurge;
  bytemark: BytemarkClient;
  config: {
    ttlSeconds: number;
    /** A cache this close to the TTL counts as stale, so an hourly sweep never skips a cache refreshed by the last one. */
    graceSeconds: number;
    freeProductUuids: readonly string[];
  };
  /** Unix seconds. */
  now?: () => number;
  /** Told the outcome of every refresh (the worker's metrics). */
  onRefresh?: (p: { trigger: string; outcome: RefreshOutcome | 'failed'; durationMs: number }) => void;
}

/** Whether a cache refreshed at `refreshedAt` is due (older than TTL − grace): the rule the sweep's schedule applies too. */
export function isStale(
  refreshedAt: number,
  now: number,
  config: { ttlSeconds: number; graceSeconds: number },
): boolean {
  return now - refreshedAt >= config.ttlSeconds - config.graceSeconds;
}

/**
 * `refreshUserTickets`: one user's whole refresh, the same code for the hourly batches and the
 * per-user workflow, in the design's steps (state and token lookup, v1 and v4 fetch, reconciliation,
 * log writes; `RefreshSteps` times them, reports them to the UI and retries a database step in
 * place on a transient failure, so a database blip after the fetch does not spend the Bytemark calls
 * again). An unchanged user (the common case) costs one small MySQL read, the two Bytemark calls,
 * one MongoDB write (the cache's `timestamp`, compare-and-set on the version the state describes) and
 * one MySQL write; its cache document is never read. Anything else goes through `commitRefresh`.
 */
export function createUserRefreshActivities(deps: UserRefreshDeps): UserRefreshActivities {
  const clock = deps.now ?? (() => Math.floor(Date.now() / 1000));
  const freeProducts = new Set(deps.config.freeProductUuids);

  return {
    async refreshUserTickets(input: UserRefreshInput): Promise<RefreshSummary> {
      const { log, info } = Context.current();
      const started = Date.now();
      const steps = new RefreshSteps();
      try {
        const summary = { ...(await refresh(input, steps)), timings: steps.timings };
        // One line per refresh, whatever its outcome (the activity's logger adds the workflow id).
        const entry = refreshLogEntry(input, summary, Date.now() - started);
        log.info(entry.message, entry.fields);
        deps.onRefresh?.({ trigger: input.trigger, outcome: summary.outcome, durationMs: Date.now() - started });
        return summary;
      } catch (error) {
        const failed = error instanceof Error ? error.name : typeof error;
        const entry = refreshLogEntry(input, { failed, attempt: info.attempt }, Date.now() - started);
        // The error itself (type, message, causes, step) is in the SDK's `Activity failed` line.
        log.warn(entry.message, {
          ...entry.fields,
          step: (error as { refreshStep?: string }).refreshStep,
          timings: steps.timings,
        });
        deps.onRefresh?.({ trigger: input.trigger, outcome: 'failed', durationMs: Date.now() - started });
        // The attempt failed: the user's state says so (for `cli status`), keeping what it says of the cache.
        await deps.states
          .recordFailure({
            userId: input.userId,
            checkedAt: clock(),
            trigger: input.trigger,
            runRef: input.refreshId,
            failureType: failed,
          })
          .catch(() => undefined);
        throw error;
      }
    },
  };

  async function refresh(
    { userId, mode, trigger, refreshId }: UserRefreshInput,
    steps: RefreshSteps,
  ): Promise<RefreshSummary> {
    const now = clock();
    const context = await steps.db('state', () => deps.states.readRefreshContext(userId));
    const { state } = context;
    const cacheAgeBefore = state?.refreshedAt != null ? now - state.refreshedAt : null;
    const summary = (outcome: RefreshOutcome, counts = NO_CHANGES): RefreshSummary => ({
      outcome,
      ...counts,
      cacheAgeBefore,
    });
    // A deleted rider (`cache purge`): nothing is fetched or written, whoever asks. A document found
    // anyway was written by an attempt that raced the purge and died before its own check: removed.
    if (context.purgedAt != null) {
      if (await steps.db('state', () => deps.cache.exists({ userId }))) {
        await steps.db('reconcile', () => deps.userPurge.removeData(userId));
      }
      return summary('purged');
    }
    // An operator paused Bytemark calls (an outage): the cache stays as it is, the user stays due.
    if (context.paused) return summary('paused');
    const record = (
      s: Pick<TicketCacheState, 'outcome' | 'refreshedAt' | 'cacheVersion' | 'listHashes' | 'passCount'>,
    ) => steps.db('logs', () => deps.states.record({ userId, checkedAt: now, trigger, runRef: refreshId, ...s }));
    const unreached = async (outcome: RefreshOutcome): Promise<RefreshSummary> => {
      // Bytemark was not read: the cache and its state stay as they were, the user stays due.
      await record({
        outcome,
        refreshedAt: null,
        cacheVersion: state?.cacheVersion ?? null,
        listHashes: state?.listHashes ?? { passes: null, passes4: null },
        passCount: state?.passCount ?? 0,
      });
      return summary(outcome);
    };

    // A retry of this refresh after a failed attempt (its failure names this run): what that attempt
    // committed is reported (the attempt may have failed after its commit), and a cache made fresh
    // by it is no reason to skip.
    const retry = state?.runRef === refreshId;
    if (retry) {
      const earlier = await steps.db('reconcile', async () =>
        finishEarlierCommit(deps, await deps.cache.findByUserId({ userId }), refreshId),
      );
      if (earlier) {
        // The lists it fetched are not known here: no hashes, so the next refresh diffs the document.
        const { change, version, passCount } = earlier;
        await record({
          outcome: change.outcome,
          refreshedAt: now,
          cacheVersion: version,
          listHashes: { passes: null, passes4: null },
          passCount,
        });
        const { outcome, ...counts } = change;
        return summary(outcome, counts);
      }
    }
    if (mode === 'if-stale' && !retry && state?.refreshedAt != null && !isStale(state.refreshedAt, now, deps.config)) {
      // Fresh by its state, unless its document is gone (deleted by the platform, an emptied collection).
      if (await steps.db('state', () => deps.cache.exists({ userId }))) return summary('fresh-skipped');
    }
    const token = await steps.db('token', () => deps.tokens.findToken(userId));
    if (!token) return unreached('no-token');
    const lists = await steps.run('fetch', () => fetchPassLists(deps, userId, token));
    if (lists === 'failed-auth') {
      const backoff = await steps.db('logs', () =>
        deps.states.recordAuthFailure({ userId, checkedAt: now, trigger, runRef: refreshId }),
      );
      return { ...summary('failed-auth'), authBackoff: { failures: backoff.authFailures, retryAt: backoff.nextDueAt } };
    }
    const hashes = listHashes(lists);

    if (mode !== 'build' && state?.cacheVersion != null && sameLists(state.listHashes, hashes)) {
      const touched = await steps.db('reconcile', () =>
        deps.cache.touch({ userId }, { timestamp: now, expectedVersion: state.cacheVersion! }),
      );
      if (touched) {
        await record({
          outcome: 'unchanged',
          refreshedAt: now,
          cacheVersion: state.cacheVersion,
          listHashes: hashes,
          passCount: state.passCount,
        });
        return summary('unchanged', { ...NO_CHANGES, unchanged: state.passCount });
      }
    }

    const committed = await steps.db('reconcile', () =>
      commitRefresh(
        deps,
        {
          userId,
          mode: mode === 'build' ? 'build' : 'update',
          refreshId,
          now,
          fetchedAtUs: context.dbNowUs,
          lists,
          freeProductUuids: freeProducts,
        },
        steps,
      ),
    );
    // The rider was purged while this refresh ran: nothing it wrote stays, and it records nothing.
    if (committed.purged) return summary('purged');
    // A refresh whose lists are older than the cache's (another refresh fetched after it and
    // committed first) changed nothing, and leaves the state to that newer refresh.
    if (!committed.superseded) {
      await record({
        outcome: committed.change.outcome,
        refreshedAt: now,
        cacheVersion: committed.version,
        listHashes: hashes,
        passCount: committed.passCount,
      });
    }
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
