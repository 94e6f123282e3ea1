import {
  ActivityFailure,
  ApplicationFailure,
  log,
  proxyActivities,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { FAILURE_TYPES, type RefreshQueueActivities, type StagingActivities } from '../activity-contracts';
import { DATABASE_ACTIVITY } from '../retry-policies';
import { OUTCOME_KEY } from '../search-attributes';
import { NO_CHANGES as EMPTY, describeRefresh as describe } from '../refresh-summary';
import type { RefreshInput, RefreshOutcome, RefreshSummary } from '../types';
import { bytemarkFetchActivity, bytemarkLoginActivity } from './retry-policies.v1';
import type { FetchPassesResult, LegacyBytemarkActivities, LegacyRefreshActivities, PassSource } from './types.v1';

const db = proxyActivities<LegacyRefreshActivities & StagingActivities & Pick<RefreshQueueActivities, 'notifySlack'>>(
  DATABASE_ACTIVITY,
);

/**
 * LEGACY (v1): the previous version's per-user refresh, six activities with the pass lists staged
 * between them. `refreshTicketCacheWorkflow` runs it only for runs started before the batch design
 * (no `refresh-as-one-activity` patch marker in their history), so they replay and finish; new runs
 * never come here. Delete with the rest of `legacy/` once none is open.
 */
export async function refreshTicketCacheV1(input: RefreshInput): Promise<RefreshSummary> {
  const { userId, mode = 'check', trigger = 'manual' } = input;
  const { workflowId, runId, taskQueue } = workflowInfo();
  const bytemark = proxyActivities<LegacyBytemarkActivities>(bytemarkFetchActivity(taskQueue));
  const login = proxyActivities<Pick<LegacyBytemarkActivities, 'reloginUser'>>(bytemarkLoginActivity(taskQueue));
  const refreshId = `${workflowId}/${runId}`;
  const passesKey = `${refreshId}/passes`;
  const passes4Key = `${refreshId}/passes4`;

  const finish = (outcome: RefreshOutcome, counts = EMPTY, cacheAgeBefore: number | null = null): RefreshSummary => {
    upsertSearchAttributes([{ key: OUTCOME_KEY, value: outcome }]);
    const summary = { outcome, ...counts, cacheAgeBefore };
    setCurrentDetails(describe(summary));
    return summary;
  };

  setCurrentDetails(`user ${userId}, mode ${mode}, trigger ${trigger}: reading cache state`);
  const state = await db.readCacheState({ userId });
  if (mode === 'if-stale' && state.exists && !state.stale) return finish('fresh-skipped', EMPTY, state.ageSeconds);

  const { hasToken } = await db.lookupToken({ userId });
  if (!hasToken) return finish('no-token', EMPTY, state.ageSeconds);

  const buildMode = mode === 'build' || !state.exists;
  const skipIfHash = (source: PassSource) => (buildMode ? null : (state.sourceHashes?.[source] ?? null));
  const fetchBoth = (): Promise<FetchPassesResult[]> => {
    setCurrentDetails(`user ${userId}: fetching passes (v1) and pass history (v4)`);
    return Promise.all([
      bytemark.fetchPasses({ userId, source: 'passes', stagingKey: passesKey, skipIfHash: skipIfHash('passes') }),
      bytemark.fetchPasses({ userId, source: 'passes4', stagingKey: passes4Key, skipIfHash: skipIfHash('passes4') }),
    ]);
  };

  let staged: string[] = [];
  try {
    let fetched: FetchPassesResult[];
    try {
      fetched = await fetchBoth();
    } catch (error) {
      if (!isAuthFailure(error)) throw error;
      log.warn('Bytemark rejected the stored token; logging in again with the stored credentials', { userId });
      try {
        await login.reloginUser({ userId });
        fetched = await fetchBoth();
      } catch (retryError) {
        if (!isAuthFailure(retryError)) throw retryError;
        log.warn('Bytemark authentication failed after re-login; the user must fix their account', { userId });
        return finish('failed-auth', EMPTY, state.ageSeconds);
      }
    }

    const [v1, v4] = fetched as [FetchPassesResult, FetchPassesResult];
    staged = [v1.stagingKey, v4.stagingKey].filter((k): k is string => k !== null);
    setCurrentDetails(`user ${userId}: reconciling by payload hash`);
    const result = await db.reconcileTicketCache({
      userId,
      refreshId,
      mode: buildMode ? 'build' : 'update',
      passesKey: v1.stagingKey,
      passes4Key: v4.stagingKey,
      now: Math.floor(Date.now() / 1000),
    });
    if (result.changesKey) {
      staged.push(result.changesKey);
      setCurrentDetails(`user ${userId}: writing audit entries and refresh log`);
      await db.writeRefreshLogs({ userId, refreshId, changesKey: result.changesKey });
    }
    const { outcome, changesKey: _changesKey, ...counts } = result;
    return finish(outcome, counts, state.ageSeconds);
  } catch (error) {
    // Auth is the user's state and ends as `failed-auth` above; anything reaching here is an outage or a bug.
    const reason = error instanceof ActivityFailure ? (error.cause?.message ?? error.message) : String(error);
    await db
      .notifySlack({ text: `Bytemark cache refresh failed for user ${userId} (${trigger}): ${reason}` })
      .catch(() => undefined);
    throw error;
  } finally {
    // What a run that failed part-way staged is removed by the queue workflow's periodic staging cleanup.
    if (staged.length > 0) await db.discardStaging({ keys: staged });
  }
}

function isAuthFailure(error: unknown): boolean {
  return (
    error instanceof ActivityFailure &&
    error.cause instanceof ApplicationFailure &&
    error.cause.type === FAILURE_TYPES.auth
  );
}
