import {
  ApplicationFailure,
  ChildWorkflowFailure,
  continueAsNew,
  defineQuery,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { RefreshQueueActivities, TicketCacheActivities } from './activity-contracts';
import { DATABASE_ACTIVITY } from './retry-policies';
import type { SweepInput, SweepPage, SweepProgress } from './types';
import { forEachBounded } from './for-each-bounded';
import { runUserRefresh } from './user-refresh-child';

export const sweepProgressQuery = defineQuery<SweepProgress>('progress');

const db = proxyActivities<TicketCacheActivities & Pick<RefreshQueueActivities, 'notifySlack'>>(DATABASE_ACTIVITY);

/** Failed user ids kept in the progress (and so in history) at most. */
const MAX_FAILED_IDS = 100;

export function emptySweepProgress(): SweepProgress {
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
 * The hourly sweep: pages through token users by id cursor, drops fresh caches before starting any
 * per-user work, runs per-user refreshes as children with a bounded number in flight, and continues
 * as new every `usersPerRun` users so its history stays bounded. A user's failure never fails the sweep.
 */
export async function refreshAllTicketCachesWorkflow(input: SweepInput = {}): Promise<SweepProgress> {
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
  const progress: SweepProgress = input.progress ?? emptySweepProgress();
  setHandler(sweepProgressQuery, () => progress);
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
      await continueAsNew<typeof refreshAllTicketCachesWorkflow>({ ...input, cursor, progress });
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

export function failureMessage(error: unknown): string {
  if (error instanceof ChildWorkflowFailure) return error.cause?.message ?? error.message;
  return error instanceof Error ? error.message : String(error);
}
