import {
  ApplicationFailure,
  ParentClosePolicy,
  continueAsNew,
  defineQuery,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { RefreshQueueActivities, SweepActivities } from './activity-contracts';
import { chunkByValueBytes } from './batch-chunks';
import { addFailure, emptyDigest, mergeDigest } from './failure-digest';
import { failureMessage, failureType } from './failure-message';
import {
  INVALID_INPUT_FAILURE,
  PRIORITY,
  SWEEP_PROGRESS_QUERY,
  SWEEP_START_USERS_MINUTES,
  batchWorkflowId,
} from './ids';
import { AUTH_FAILED_IDS, refreshTicketCacheBatchWorkflow } from './refresh-ticket-cache-batch.workflow';
import { DATABASE_ACTIVITY } from './retry-policies';
import { TRIGGER_KEY, USER_IDS_KEY } from './search-attributes';
import { sweepAlert } from './sweep-alert';
import { emptySweepProgress } from './sweep-progress';
import type { BatchInput, BatchResult, SweepCursor, SweepInput, SweepPage, SweepProgress } from './types';

export const sweepProgressQuery = defineQuery<SweepProgress>(SWEEP_PROGRESS_QUERY);

const db = proxyActivities<SweepActivities & Pick<RefreshQueueActivities, 'notifySlack'>>(DATABASE_ACTIVITY);

/** Failed user ids kept in the progress (and so in history) at most. */
const MAX_FAILED_IDS = 100;

/**
 * The hourly sweep. It starts by counting the token users and those due (state rows are added for
 * new ones, due at once), then pages through the due users oldest first, so that a population larger
 * than what the rate limit allows in an hour is refreshed in turn, never the same users every hour.
 * Each page goes to batch workflows (`refreshTicketCacheBatchWorkflow`, one activity per user, ids
 * split so each batch's `BytemarkUserIds` fits Temporal's value limit), `batchesInFlight` at once, at
 * the lowest priority (riders and the refresh-log queue go first). No user's refresh starts after
 * `startUsersForMinutes` and every one ends within `windowMinutes`, so the sweep ends within its hour
 * whatever Bytemark does. It continues as new every `usersPerRun` users (bounded history). A user's
 * failure never fails the sweep; at the end it records itself and sends at most one alert, with the
 * numbers when users were left over.
 */
export async function refreshAllTicketCachesWorkflow(input: SweepInput = {}): Promise<SweepProgress> {
  const {
    mode = 'if-stale',
    trigger = 'hourly',
    select = 'stale',
    maxInFlight = 25,
    batchSize = 200,
    batchesInFlight = 2,
    usersPerRun = 2000,
    alertOnFailures = 5,
    startUsersForMinutes = SWEEP_START_USERS_MINUTES,
    windowMinutes = 55,
  } = input;
  if (
    !(maxInFlight > 0 && batchSize > 0 && batchesInFlight > 0 && usersPerRun > 0) ||
    !(startUsersForMinutes > 0 && windowMinutes >= startUsersForMinutes)
  ) {
    throw ApplicationFailure.nonRetryable(
      'maxInFlight, batchSize, batchesInFlight and usersPerRun must be positive, and windowMinutes at least startUsersForMinutes',
      INVALID_INPUT_FAILURE,
    );
  }
  const { workflowId, firstExecutionRunId } = workflowInfo();
  const progress: SweepProgress = input.progress ?? emptySweepProgress(Date.now());
  const startUsersUntilMs = progress.startedAtMs + startUsersForMinutes * 60_000;
  const endByMs = progress.startedAtMs + windowMinutes * 60_000;
  // Users refreshed by this sweep are due again after it started, so they are never taken twice.
  const dueBefore = Math.floor(progress.startedAtMs / 1000);
  setHandler(sweepProgressQuery, () => progress);
  const report = () =>
    setCurrentDetails(
      `${progress.due} due of ${progress.usersSeen} token users; refreshed ${JSON.stringify(progress.refreshed)}, ` +
        `failed ${progress.failed}, not reached ${progress.notReached}, in flight ${progress.inFlight} ` +
        `in ${progress.batches} batches so far, run ${progress.runs}`,
    );

  if (input.cursor === undefined) {
    const start = await db.beginSweep({ select, dueBefore });
    progress.rateLimitRps = start.rateLimitRps;
    progress.usersSeen = start.tokenUsers;
    progress.due = start.due;
    progress.skippedFresh = start.tokenUsers - start.due;
    if (start.paused) {
      progress.stoppedBy = 'paused';
      log.warn('Bytemark calls are paused by an operator; the sweep refreshes nobody', { reason: start.paused.reason });
    }
    report();
  }

  const running = new Set<Promise<void>>();
  const runBatch = async (userIds: number[]): Promise<void> => {
    const args: BatchInput = { userIds, mode, trigger, maxInFlight, startUsersUntilMs, endByMs };
    progress.inFlight += userIds.length;
    progress.batches += 1;
    report();
    try {
      const child = await startChild(refreshTicketCacheBatchWorkflow, {
        workflowId: batchWorkflowId({
          sweepWorkflowId: workflowId,
          sweepFirstRunId: firstExecutionRunId,
          firstUserId: userIds[0]!,
        }),
        args: [args],
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        priority: { priorityKey: PRIORITY.sweep },
        typedSearchAttributes: [
          { key: USER_IDS_KEY, value: userIds.map(String) },
          { key: TRIGGER_KEY, value: trigger },
        ],
        staticSummary: `Refresh ${userIds.length} users, ${userIds[0]}…${userIds[userIds.length - 1]} (${trigger})`,
      });
      count(progress, await child.result());
    } catch (error) {
      // The batch itself failed (it never fails for a user's sake): count its users as failed.
      log.error('A batch failed; its users count as failed', { error: failureMessage(error), users: userIds.length });
      const failures = emptyDigest();
      addFailure(failures, { userId: userIds[0]!, type: failureType(error), alert: true }, userIds.length);
      count(progress, {
        users: userIds.length,
        outcomes: {},
        failed: userIds.length,
        notReached: 0,
        authBackoff: {},
        failures,
      });
    }
    progress.inFlight -= userIds.length;
    report();
  };

  let cursor: SweepCursor | null = input.cursor ?? null;
  let handedThisRun = 0;
  while (progress.stoppedBy === null) {
    if (Date.now() >= startUsersUntilMs) {
      log.warn('The sweep ran out of time to start refreshes; the users left stay due, first in the next sweep', {
        cursor,
      });
      progress.stoppedBy = 'deadline';
      break;
    }
    const page: SweepPage = await db.listSweepPage({ cursor, limit: batchSize, select, dueBefore });
    progress.skippedFresh += page.skipped ?? 0;
    progress.due -= page.skipped ?? 0;
    for (const userIds of chunkByValueBytes(page.userIds)) {
      if (running.size >= batchesInFlight) await Promise.race(running);
      const batch: Promise<void> = runBatch(userIds).finally(() => running.delete(batch));
      running.add(batch);
    }
    handedThisRun += page.userIds.length;
    cursor = page.nextCursor;
    if (cursor === null) {
      progress.stoppedBy = 'done';
      break;
    }
    if (handedThisRun >= usersPerRun || workflowInfo().continueAsNewSuggested) {
      await Promise.all(running);
      progress.runs += 1;
      await continueAsNew<typeof refreshAllTicketCachesWorkflow>({ ...input, cursor, progress });
    }
  }
  await Promise.all(running);
  // Every page was handed out, but a batch found the window closed before some of its users: the
  // sweep ran out of time as surely as one that stopped paging (those users are left over).
  if (progress.stoppedBy === 'done' && progress.notReached > 0) progress.stoppedBy = 'deadline';
  const { failedUserIds: _ids, failures: _failures, ...counts } = progress;
  const finished = await db.finishSweep({
    sweepId: `${workflowId}/${firstExecutionRunId}`,
    trigger,
    select,
    dueBefore,
    startUsersForSeconds: startUsersForMinutes * 60,
    endedAt: Math.floor(Date.now() / 1000),
    progress: counts,
  });
  progress.leftOver = finished.leftOver;
  progress.neededRateLimitRps = finished.neededRateLimitRps;
  report();
  const text = sweepAlert(progress, { trigger, alertOnFailures, workflowId });
  if (text) {
    await db
      .notifySlack({ text })
      .catch((error: unknown) => log.warn('The sweep alert could not be posted', { error: failureMessage(error) }));
  }
  return progress;
}

function count(progress: SweepProgress, result: BatchResult): void {
  for (const [outcome, n] of Object.entries(result.outcomes) as Array<[keyof SweepProgress['refreshed'], number]>) {
    progress.refreshed[outcome] = (progress.refreshed[outcome] ?? 0) + n;
  }
  progress.failed += result.failed;
  progress.notReached += result.notReached;
  for (const [step, n] of Object.entries(result.authBackoff)) {
    progress.authBackoff[step] = (progress.authBackoff[step] ?? 0) + n;
  }
  const authFailed = (progress.authFailedUserIds ??= []);
  for (const userId of result.authFailedUserIds ?? []) if (authFailed.length < AUTH_FAILED_IDS) authFailed.push(userId);
  mergeDigest(progress.failures, result.failures);
  const failedIds = Object.values(result.failures.byType).flatMap((f) => f.userIds);
  for (const userId of failedIds)
    if (progress.failedUserIds.length < MAX_FAILED_IDS) progress.failedUserIds.push(userId);
}
