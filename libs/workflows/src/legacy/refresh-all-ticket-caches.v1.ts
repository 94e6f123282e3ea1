import {
  ApplicationFailure,
  continueAsNew,
  defineQuery,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { RefreshQueueActivities, SweepActivities } from '../activity-contracts';
import { failureMessage } from '../failure-message';
import { forEachBounded } from '../for-each-bounded';
import { SWEEP_PROGRESS_QUERY } from '../ids';
import { DATABASE_ACTIVITY } from '../retry-policies';
import type { SweepPage, SweepProgress } from '../types';
import { emptySweepProgress } from '../sweep-progress';
import { runUserRefresh } from '../user-refresh-child';
import type { LegacySweepInput, LegacySweepProgress } from './types.v1';

const legacyProgressQuery = defineQuery<LegacySweepProgress>(SWEEP_PROGRESS_QUERY);

const db = proxyActivities<SweepActivities & Pick<RefreshQueueActivities, 'notifySlack'>>(DATABASE_ACTIVITY);

/** Failed user ids kept in the progress (and so in history) at most. */
const MAX_FAILED_IDS = 100;

function emptyProgress(): LegacySweepProgress {
  return {
    usersSeen: 0,
    skippedFresh: 0,
    refreshed: {},
    failed: 0,
    inFlight: 0,
    inFlightElsewhere: 0,
    runs: 1,
    failedUserIds: [],
  };
}

/**
 * LEGACY (v1): the previous version's sweep, one per-user child workflow per stale user.
 * `refreshAllTicketCachesWorkflow` runs it only for runs started before the batch design (no
 * `refresh-in-batches` patch marker in their history); it continues as new into the new shape.
 * Delete with the rest of `legacy/` once none is open.
 */
export async function refreshAllTicketCachesV1(input: LegacySweepInput): Promise<LegacySweepProgress> {
  const {
    mode = 'if-stale',
    trigger = 'hourly',
    select = 'stale',
    maxInFlight = 20,
    pageSize = 200,
    usersPerRun = 500,
    alertOnFailures = 5,
  } = input;
  if (!(maxInFlight > 0 && pageSize > 0 && usersPerRun > 0)) {
    throw ApplicationFailure.nonRetryable(
      'maxInFlight, pageSize and usersPerRun must be positive',
      'InvalidSweepInput',
    );
  }
  const progress: LegacySweepProgress = input.progress ?? emptyProgress();
  setHandler(legacyProgressQuery, () => progress);
  const report = () =>
    setCurrentDetails(
      `seen ${progress.usersSeen}, skipped fresh ${progress.skippedFresh}, ` +
        `refreshed ${JSON.stringify(progress.refreshed)}, failed ${progress.failed}, ` +
        `in flight ${progress.inFlight}, already running elsewhere ${progress.inFlightElsewhere}, run ${progress.runs}`,
    );

  const refreshUser = async (userId: number): Promise<void> => {
    progress.inFlight += 1;
    report();
    const result = await runUserRefresh({ userId, mode, trigger });
    progress.inFlight -= 1;
    if (result.kind === 'done') {
      const { outcome } = result.summary;
      progress.refreshed[outcome] = (progress.refreshed[outcome] ?? 0) + 1;
    } else if (result.kind === 'already-running') {
      progress.inFlightElsewhere += 1;
    } else {
      progress.failed += 1;
      if (progress.failedUserIds.length < MAX_FAILED_IDS) progress.failedUserIds.push(userId);
      log.warn('A user refresh failed; the sweep goes on', { userId, error: failureMessage(result.error) });
    }
    report();
  };

  let cursor: number | null = input.cursor ?? 0;
  let handledThisRun = 0;
  while (cursor !== null) {
    const page: SweepPage = await db.listSweepPage({ cursor, limit: pageSize, select });
    progress.usersSeen += page.seen;
    progress.skippedFresh += page.skippedFresh;
    report();
    await forEachBounded(page.userIds, maxInFlight, refreshUser);
    handledThisRun += page.seen;
    cursor = page.nextCursor;
    if (cursor !== null && (handledThisRun >= usersPerRun || workflowInfo().continueAsNewSuggested)) {
      progress.runs += 1;
      // The next run starts the new shape (batches); its progress starts from these counts.
      await continueAsNew({ mode, trigger, select, maxInFlight, cursor, progress: toBatchProgress(progress) });
    }
  }
  report();
  if (progress.failed >= alertOnFailures) {
    await db.notifySlack({
      text:
        `Bytemark ticket cache sweep (${trigger}): ${progress.failed} of ${progress.usersSeen} users failed ` +
        `(first: ${progress.failedUserIds.slice(0, 10).join(', ')}). Workflow ${workflowInfo().workflowId}.`,
    });
  }
  return progress;
}

function toBatchProgress(p: LegacySweepProgress): SweepProgress {
  const { inFlightElsewhere: _elsewhere, ...rest } = p;
  return { ...emptySweepProgress(Date.now()), ...rest, inFlight: 0, batches: 0 };
}
